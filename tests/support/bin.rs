//! Running the `webwacht` binary in a temporary data dir, and the demo fixture.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// Run `webwacht` with `--data-dir dir` and the given arguments; stdin is closed and the
/// working directory is `dir`, so no `./webwacht.toml` of the developer is read.
pub fn webwacht(dir: &Path, args: &[&str]) -> Output {
    webwacht_env(dir, &[], args)
}

/// As [`webwacht`], with extra environment variables (`WEBWACHT_NOW` to set the clock).
pub fn webwacht_env(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_webwacht"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .current_dir(dir)
        .env("WEBWACHT_LOG", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("run webwacht")
}

/// As [`webwacht`], with `input` written to its stdin.
pub fn webwacht_with_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_webwacht"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .current_dir(dir)
        .env("WEBWACHT_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run webwacht");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().expect("wait for webwacht")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The data dir of one real run of `webwacht demo --no-serve --no-lists` (every signal
/// undecided), made once per test binary.
pub fn demo_fixture() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let out = webwacht(&dir, &["demo", "--no-serve", "--no-lists"]);
        assert!(out.status.success(), "demo failed: {}", stderr(&out));
        dir
    })
}

/// Copy a directory tree (a private copy of a fixture).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
