//! Helpers shared by the integration tests: run the binary in a temporary data dir.

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Run `webwacht` with `--data-dir dir` and the given arguments; stdin is closed and the
/// working directory is `dir`, so no `./webwacht.toml` of the developer is read.
pub fn webwacht(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_webwacht"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .current_dir(dir)
        .env("WEBWACHT_LOG", "warn")
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
