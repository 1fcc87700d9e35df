// The review UI in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core). Run by tests/web_e2e.rs, which crawls a hostile ad site, starts the
// UI and a beacon, and passes everything this script needs in the environment (or as
// KEY=VALUE arguments):
//
//   BASE_URL              the UI, e.g. http://127.0.0.1:41234
//   BEACON_URL            where escaped payloads would call home (must stay silent)
//   RESEARCHER_NAME/_PASSWORD, COORDINATOR_NAME/_PASSWORD
//   FLAG_ID               the flag on the ad full of script payloads
//   AD_ID, PHONE_E164     that flag's ad and phone
//   FILTER_RULE, FILTER_SITE   the queue filter to apply
//   EXPECT_IDS            the flag ids the filtered queue must show (comma-separated)
//   OTHER_IDS             flag ids it must not show
//   CHROMIUM              default /usr/bin/chromium
//
// It checks: anonymous requests go to /login; log in, filter, open the flag, confirm it,
// find the decision in the audit log; no payload runs (no dialog, no console output, no
// page error, no request to any origin but BASE_URL, the snapshot iframe is sandboxed
// with an empty sandbox attribute, payload text shows as literal text). Exit 0 when all
// holds; otherwise exit 1 with every problem listed.

import { launchChromium, need as needSetting } from './common.mjs';

const need = (name) => needSetting('review.mjs', name);

const BASE = new URL(need('BASE_URL')).origin;
const BEACON = new URL(need('BEACON_URL')).origin;
const RESEARCHER = { name: need('RESEARCHER_NAME'), password: need('RESEARCHER_PASSWORD') };
const COORDINATOR = { name: need('COORDINATOR_NAME'), password: need('COORDINATOR_PASSWORD') };
const FLAG_ID = need('FLAG_ID');
const AD_ID = need('AD_ID');
const PHONE = need('PHONE_E164');
const FILTER_RULE = need('FILTER_RULE');
const FILTER_SITE = need('FILTER_SITE');
const EXPECT_IDS = need('EXPECT_IDS').split(',').filter(Boolean).sort();
const OTHER_IDS = (process.env.OTHER_IDS ?? '').split(',').filter(Boolean);

/// What a payload writes when it runs; it must never show up in a console message.
const MARKER = /XSS-EXEC|pwned/;
/// What Chromium shows in a frame whose navigation was refused.
const BLOCKED_FRAME = 'chrome-error://chromewebdata/';
const problems = [];
const notes = [];
const requests = [];

function problem(msg) {
  problems.push(msg);
  console.log(`PROBLEM: ${msg}`);
}

function check(ok, msg) {
  if (!ok) problem(msg);
  return ok;
}

const t0 = Date.now();
function step(msg) {
  console.log(`== ${((Date.now() - t0) / 1000).toFixed(1)}s ${msg}`);
}

function frameUrl(req) {
  try {
    return req.frame().url();
  } catch {
    return '?';
  }
}

const isLoopback = (u) => /^127(\.\d{1,3}){3}$/.test(u.hostname) || u.hostname === '[::1]';

// Every security property the Content-Security-Policy of a UI response must have.
const cspSeen = new Set();
function checkCsp(url, csp) {
  if (cspSeen.has(csp)) return; // one report per distinct policy
  cspSeen.add(csp);
  if (!check(typeof csp === 'string' && csp.length > 0, `${url}: no Content-Security-Policy`)) return;
  const dirs = new Map(
    csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
      const [name, ...values] = d.split(/\s+/);
      return [name.toLowerCase(), values];
    }),
  );
  const only = (name, value) => {
    const v = dirs.get(name);
    check(v && v.length === 1 && v[0] === value, `${url}: CSP ${name} must be exactly ${value}, is ${JSON.stringify(v)} in "${csp}"`);
  };
  only('default-src', "'none'");
  only('script-src', "'none'");
  only('frame-ancestors', "'none'");
  only('base-uri', "'none'");
  only('form-action', "'self'");
  for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'strict-dynamic'", '*', 'data:', 'blob:', 'http:', 'https:']) {
    check(!csp.split(/[\s;]+/).includes(bad), `${url}: CSP contains ${bad}: "${csp}"`);
  }
  for (const name of ['script-src-elem', 'script-src-attr', 'worker-src', 'child-src', 'frame-src', 'object-src', 'connect-src']) {
    const v = dirs.get(name);
    if (v) check(v.length === 1 && v[0] === "'none'", `${url}: CSP ${name} loosened: "${csp}"`);
  }
}

// Listeners on every page: dialogs, console, page errors, frames.
function watchPage(page, who) {
  page.on('dialog', async (dialog) => {
    problem(`${who}: a ${dialog.type()} dialog opened: ${JSON.stringify(dialog.message())} on ${page.url()}`);
    await dialog.dismiss().catch(() => {});
  });
  page.on('console', (msg) => {
    const text = msg.text();
    const where = msg.location()?.url || page.url();
    // The UI runs no script, so a log/info/debug message means a payload ran. Chromium's
    // own errors and warnings (e.g. "Blocked script execution …") are fine unless they
    // carry a payload's marker.
    if (MARKER.test(text) || !['error', 'warning'].includes(msg.type())) {
      problem(`${who}: console ${msg.type()} from ${where}: ${JSON.stringify(text)}`);
    } else {
      notes.push(`console ${msg.type()} (${where}): ${text}`);
    }
  });
  page.on('pageerror', (err) => problem(`${who}: page error on ${page.url()}: ${err.message}`));
  page.on('framenavigated', (frame) => {
    const u = frame.url();
    if (u === 'about:srcdoc' || u === 'about:blank' || u === '' || u.startsWith(BASE + '/')) return;
    // A navigation the CSP refused leaves Chromium's error page in the frame: nothing
    // was fetched. Only nested frames may end up there.
    if (u === BLOCKED_FRAME && frame !== page.mainFrame()) {
      notes.push(`${who}: a frame's navigation was blocked (${frame.name() || 'unnamed frame'})`);
      return;
    }
    problem(`${who}: a frame navigated to ${u}`);
  });
  page.on('popup', (p) => problem(`${who}: a popup opened: ${p.url()}`));
}

async function newContext(browser, who) {
  const context = await browser.newContext({
    baseURL: BASE,
    javaScriptEnabled: true, // as a reviewer's browser has it: the CSP and sandbox must hold
    locale: 'nl-NL',
    serviceWorkers: 'block',
  });
  // Record every request; only the UI's own origin may be asked for anything. Loopback
  // requests elsewhere go through so the beacon can see them too; nothing leaves loopback.
  await context.route('**/*', async (route) => {
    const req = route.request();
    const url = req.url();
    let u;
    try {
      u = new URL(url);
    } catch {
      u = null;
    }
    requests.push(`${who} ${req.method()} ${url}`);
    if (u && u.origin === BASE) return route.continue();
    problem(`${who}: request to another origin than ${BASE}: ${req.method()} ${url} (${req.resourceType()}, frame ${frameUrl(req)})`);
    if (u && isLoopback(u) && (u.protocol === 'http:' || u.protocol === 'https:')) return route.continue();
    return route.abort('blockedbyclient');
  });
  // Chromium also reports requests that its CSP check refuses before anything is sent
  // (e.g. the preload scanner's): those fail or just stop, and never reach the route above,
  // which sees every request that does go to the network. A request to another origin
  // that gets an answer is a problem in any case.
  context.on('request', (req) => {
    const url = req.url();
    if (req.method() === 'POST') notes.push(`${who}: POST ${url} with Origin ${req.headers()['origin']}`);
    if (!url.startsWith(BASE + '/') && !url.startsWith('data:') && !url.startsWith('about:')) {
      notes.push(`${who}: the browser started ${req.method()} ${url} (${req.resourceType()}); refused before the network unless reported below`);
    }
  });
  for (const event of ['requestfinished', 'response']) {
    context.on(event, (r) => {
      const url = r.url();
      if (!url.startsWith(BASE + '/') && !url.startsWith('data:') && !url.startsWith('about:')) {
        problem(`${who}: ${url} was answered (${event})`);
      }
    });
  }
  context.on('response', async (res) => {
    if (!res.url().startsWith(BASE + '/')) return;
    const headers = await res.allHeaders().catch(() => ({}));
    const type = headers['content-type'] || '';
    if (type.startsWith('text/html') || res.request().resourceType() === 'document') {
      checkCsp(res.url(), headers['content-security-policy']);
      check(headers['x-frame-options'] === 'DENY', `${res.url()}: X-Frame-Options is ${headers['x-frame-options']}`);
    }
  });
  context.on('page', (page) => watchPage(page, who));
  const page = await context.newPage();
  return { context, page };
}

async function login(page, user, startPath) {
  await page.goto(startPath);
  const at = new URL(page.url());
  check(at.pathname === '/login', `${startPath} without a session shows ${page.url()}, not /login`);
  await page.locator('#name').fill(user.name);
  await page.locator('#password').fill(user.password);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/login' && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Inloggen' }).click(),
  ]);
  await page.waitForLoadState('load');
  if (answer.status() !== 303 || new URL(page.url()).pathname === '/login') {
    const alert = await page.locator('[role=alert]').allInnerTexts().catch(() => []);
    throw new Error(`logging in as ${user.name} failed: POST /login answered ${answer.status()}, ` +
      `now at ${page.url()}, message ${JSON.stringify(alert.join(' '))}`);
  }
}

async function noActiveMarkup(page, what) {
  const found = await page.evaluate(() => {
    const scripts = document.querySelectorAll('script').length;
    const handlers = [];
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (a.name.startsWith('on')) handlers.push(`${el.tagName}[${a.name}]`);
        if (/^\s*javascript:/i.test(a.value) && ['href', 'src', 'action', 'formaction', 'data'].includes(a.name)) {
          handlers.push(`${el.tagName}[${a.name}=${a.value.slice(0, 40)}]`);
        }
      }
    }
    const embeds = document.querySelectorAll('object, embed, base, meta[http-equiv], svg script').length;
    return { scripts, handlers, embeds, title: document.title };
  });
  check(found.scripts === 0, `${what}: ${found.scripts} <script> elements in the page`);
  check(found.handlers.length === 0, `${what}: active attributes in the page: ${found.handlers.join(', ')}`);
  check(found.embeds === 0, `${what}: ${found.embeds} object/embed/base/meta-refresh elements in the page`);
  check(!MARKER.test(found.title), `${what}: the title became ${JSON.stringify(found.title)}`);
  return found;
}

const browser = await launchChromium();
console.log(`chromium ${browser.version()}, UI ${BASE}`);

try {
  // ------------------------------------------------------------------------ anonymous
  step('anonymous requests are sent to /login');
  {
    const { context, page } = await newContext(browser, 'anonymous');
    const guarded = [
      '/flags',
      `/flags/${FLAG_ID}`,
      `/flags?rule=${FILTER_RULE}&status=new`,
      `/ads/${AD_ID}`,
      `/phones/${encodeURIComponent(PHONE)}`,
      '/search?q=0612',
      '/audit',
      '/users',
      '/sites',
      '/monitor',
      '/metrics',
    ];
    for (const path of guarded) {
      const res = await page.request.get(path, { maxRedirects: 0 });
      const loc = res.headers()['location'] || '';
      check(res.status() === 303, `anonymous GET ${path}: status ${res.status()}, expected 303`);
      const want = `/login?next=${encodeURIComponent(path)}`;
      check(loc === want, `anonymous GET ${path}: Location ${JSON.stringify(loc)}, expected ${want}`);
      await page.goto(path);
      const at = new URL(page.url());
      check(at.origin === BASE && at.pathname === '/login' && at.searchParams.get('next') === path,
        `anonymous browser on ${path} ended at ${page.url()}`);
      check(await page.locator('#password').count() === 1, `anonymous browser on ${path}: no login form`);
    }
    // Deciding without a session changes nothing.
    const res = await page.request.post(`/flags/${FLAG_ID}/decide`, {
      form: { action: 'confirm', note: 'anoniem', status: 'new', csrf: 'x' },
      maxRedirects: 0,
    });
    check(res.status() === 303 && (res.headers()['location'] || '').startsWith('/login'),
      `anonymous POST /flags/${FLAG_ID}/decide: status ${res.status()} Location ${res.headers()['location']}`);
    await context.close();
  }

  // ------------------------------------------------------------------------ researcher
  step(`researcher ${RESEARCHER.name} logs in and filters the queue`);
  const { context: rctx, page } = await newContext(browser, RESEARCHER.name);
  await login(page, RESEARCHER, '/flags');
  check(new URL(page.url()).pathname === '/flags', `after login the researcher is at ${page.url()}`);
  await noActiveMarkup(page, 'queue');
  await page.getByLabel('Regel', { exact: true }).selectOption(FILTER_RULE);
  await page.getByLabel('Site', { exact: true }).selectOption(FILTER_SITE);
  await page.getByLabel('Status', { exact: true }).selectOption('new');
  await page.getByLabel('Sterkte vanaf', { exact: true }).selectOption('5');
  await page.getByLabel('Sorteren', { exact: true }).selectOption('oldest');
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/flags' && u.searchParams.get('rule') === FILTER_RULE),
    page.getByRole('button', { name: 'Filteren' }).click(),
  ]);
  const q = new URL(page.url()).searchParams;
  check(q.get('site') === FILTER_SITE && q.get('status') === 'new' && q.get('sort') === 'oldest',
    `the filter form sent ${page.url()}`);
  const shown = (await page.locator('table.ww-queue tbody a[href^="/flags/"]').allTextContents())
    .map((t) => t.trim().replace(/^#/, ''));
  check(JSON.stringify([...shown].sort()) === JSON.stringify(EXPECT_IDS),
    `filtered queue shows ${JSON.stringify(shown)}, expected ${JSON.stringify(EXPECT_IDS)}`);
  const numeric = shown.map(Number);
  check(numeric.every((v, i) => i === 0 || numeric[i - 1] < v), `"oudste eerst" is not in order: ${shown}`);
  for (const other of OTHER_IDS) check(!shown.includes(other), `filtered queue shows flag ${other} of another rule`);
  check((await page.locator('#resultaat').innerText()).startsWith(`${EXPECT_IDS.length} signalen gevonden`),
    `result line: ${await page.locator('#resultaat').innerText()}`);
  check(await page.getByLabel('Regel', { exact: true }).inputValue() === FILTER_RULE, 'the rule filter is not kept after filtering');

  step(`opens flag #${FLAG_ID}`);
  await Promise.all([
    page.waitForURL(`${BASE}/flags/${FLAG_ID}`),
    page.getByRole('link', { name: `#${FLAG_ID}`, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
  check(/^Signaal #\d+/.test(await page.title()), `flag page title: ${await page.title()}`);
  await noActiveMarkup(page, `flag ${FLAG_ID}`);

  // Payloads in title, body, advertiser and place are literal text.
  const adText = await page.locator('.ww-adtext').innerText();
  check(adText.includes("<script>console.log('XSS-EXEC-title')</script>"),
    `the ad text does not show the title's <script> literally: ${JSON.stringify(adText.slice(0, 300))}`);
  check(adText.includes("<b onmouseover=alert('XSS-EXEC-body')>"),
    `the ad text does not show the body's markup literally: ${JSON.stringify(adText.slice(0, 300))}`);
  check(await page.locator('.ww-adtext *:not(mark)').count() === 0, 'the ad text contains elements other than <mark>');
  await page.getByText('<script>', { exact: false }).first().waitFor({ state: 'visible', timeout: 5000 })
    .catch(() => problem('the literal text "<script>" is not visible on the flag page'));
  const facts = await page.locator('section[aria-labelledby="advertentie"] dl').first().innerText();
  check(facts.includes("<img src=x onerror=alert('XSS-EXEC-name')>Lotte"), `advertiser not shown literally: ${facts}`);
  check(facts.includes("Utrecht <svg onload=alert('XSS-EXEC-place')>"), `place not shown literally: ${facts}`);

  // The captured page: only in an iframe with an empty sandbox attribute, via srcdoc.
  const frames = page.locator('iframe');
  check(await frames.count() === 1, `the flag page has ${await frames.count()} iframes, expected 1`);
  const iframe = page.locator('iframe.ww-snapshot');
  const attrs = await iframe.evaluate((el) => ({
    hasSandbox: el.hasAttribute('sandbox'),
    sandbox: el.getAttribute('sandbox'),
    tokens: el.sandbox.length,
    src: el.getAttribute('src'),
    srcdoc: el.getAttribute('srcdoc') || '',
    allow: el.getAttribute('allow'),
  }));
  check(attrs.hasSandbox, 'the snapshot iframe has no sandbox attribute');
  check(attrs.sandbox === '' && attrs.tokens === 0, `the snapshot iframe's sandbox is ${JSON.stringify(attrs.sandbox)}, expected empty`);
  check(attrs.src === null, `the snapshot iframe has src=${attrs.src}`);
  check(attrs.allow === null, `the snapshot iframe has allow=${attrs.allow}`);
  // The payloads really are in the snapshot, or this test would prove nothing.
  for (const needle of ["alert('XSS-EXEC-head')", 'onerror=', 'javascript:', '<svg', 'http-equiv="refresh"', '<object', '<base', BEACON]) {
    check(attrs.srcdoc.includes(needle), `the snapshot lacks the payload ${needle}`);
  }

  step('the captured page loads in its sandbox and nothing in it runs');
  await iframe.scrollIntoViewIfNeeded();
  const handle = await iframe.elementHandle();
  const snap = await handle.contentFrame();
  if (check(snap !== null, 'the snapshot iframe has no frame')) {
    await snap.waitForLoadState('load').catch((e) => problem(`snapshot did not load: ${e.message}`));
    await snap.locator('#js-link').waitFor({ state: 'attached', timeout: 10000 })
      .catch(() => problem('the snapshot frame does not contain the payload page'));
    check(snap.url() === 'about:srcdoc', `the snapshot frame is at ${snap.url()}`);
    await page.waitForTimeout(1000); // meta refresh, timers, lazy loads
    // Inside the frame (through DevTools, which the sandbox does not stop): no marks.
    const inside = () => snap.evaluate(() => ({ title: document.title, url: location.href }));
    try {
      const seen = await inside();
      check(seen.title === 'Advertentie', `the snapshot's title is ${JSON.stringify(seen.title)}`);
      check(seen.url === 'about:srcdoc', `the snapshot is at ${seen.url}`);
    } catch (e) {
      notes.push(`snapshot frame not inspectable: ${e.message.split('\n')[0]}`);
    }
    // Clicks that would run script, submit a form, open a window or leave through the top.
    for (const sel of ['#js-link', '#beacon-form-button', '#beacon-link-blank', '#beacon-link-top']) {
      await snap.locator(sel).click({ timeout: 5000, noWaitAfter: true })
        .catch((e) => notes.push(`click ${sel}: ${e.message.split('\n')[0]}`));
      await page.waitForTimeout(300);
    }
    await page.mouse.move(5, 5);
    check(snap.url() === 'about:srcdoc', `after the clicks the snapshot frame is at ${snap.url()}`);
    // Last, a plain link: the frame may try to follow it, the CSP must refuse it.
    await snap.locator('#beacon-link').click({ timeout: 5000, noWaitAfter: true })
      .catch((e) => notes.push(`click #beacon-link: ${e.message.split('\n')[0]}`));
    await page.waitForTimeout(1000);
    check(snap.url() === 'about:srcdoc' || snap.url() === BLOCKED_FRAME,
      `after clicking a link the snapshot frame is at ${snap.url()}`);
    check(page.url() === `${BASE}/flags/${FLAG_ID}`, `the flag page moved to ${page.url()}`);
    check(!MARKER.test(await page.title()), `the flag page title became ${await page.title()}`);
    for (const f of page.frames()) {
      const u = f.url();
      check([`${BASE}/flags/${FLAG_ID}`, 'about:srcdoc', 'about:blank', '', BLOCKED_FRAME].includes(u),
        `a frame is at ${u}`);
    }
  }

  step('confirms the flag');
  const note = "Bevestigd na controle. <script>console.log('XSS-EXEC-note')</script>";
  await page.locator('#note').fill(note);
  await Promise.all([
    page.waitForURL(`${BASE}/flags/${FLAG_ID}`, { waitUntil: 'load' }),
    page.getByRole('button', { name: 'Bevestigen' }).click(),
  ]);
  await page.waitForLoadState('load');
  const status = await page.locator('.ww-facts').first().innerText();
  check(status.includes('bevestigd'), `after confirming, the status reads: ${status}`);
  check(await page.getByRole('button', { name: 'Bevestigen' }).count() === 0, 'the decision form is still offered');
  const history = await page.locator('table.ww-history tbody').innerText();
  check(history.includes(RESEARCHER.name) && history.includes('bevestigd') && history.includes(note),
    `the history does not show the decision with its literal note: ${history}`);
  await noActiveMarkup(page, `flag ${FLAG_ID} after the decision`);

  step('the ad and phone pages show the payload text as text');
  for (const path of [`/ads/${AD_ID}`, `/phones/${encodeURIComponent(PHONE)}`]) {
    const res = await page.goto(path);
    check(res && res.status() === 200, `${path}: status ${res?.status()}`);
    await noActiveMarkup(page, path);
  }
  check((await page.content()).includes('&lt;img src=x onerror'), `/phones: advertiser not escaped`);
  await page.goto(`/ads/${AD_ID}`);
  check((await page.locator('main').innerText()).includes("<script>console.log('XSS-EXEC-title')</script>"),
    `/ads/${AD_ID} does not show the title's <script> literally`);
  const audit = await page.request.get('/audit', { maxRedirects: 0 });
  check(audit.status() === 403, `the researcher gets ${audit.status()} on /audit, expected 403`);
  await page.waitForTimeout(500);
  await rctx.close();

  // ------------------------------------------------------------------------ coordinator
  step(`coordinator ${COORDINATOR.name} finds the decision in the audit log`);
  const { context: cctx, page: cpage } = await newContext(browser, COORDINATOR.name);
  await login(cpage, COORDINATOR, '/audit');
  check(new URL(cpage.url()).pathname === '/audit', `after login the coordinator is at ${cpage.url()} (next ignored)`);
  await cpage.getByLabel('Object (bv. flag:12)', { exact: true }).fill(`flag:${FLAG_ID}`);
  await Promise.all([
    cpage.waitForURL((u) => u.pathname === '/audit' && u.searchParams.get('object') === `flag:${FLAG_ID}`),
    cpage.getByRole('button', { name: 'Filteren' }).click(),
  ]);
  const rows = await cpage.locator('table.ww-audit tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  const has = (action) => rows.some((r) => r[1] === RESEARCHER.name && r[2] === action && r[3] === `flag:${FLAG_ID}`);
  check(has('flag_confirm'), `no flag_confirm by ${RESEARCHER.name} on flag:${FLAG_ID} in the audit log: ${JSON.stringify(rows)}`);
  check(has('view'), `no view by ${RESEARCHER.name} on flag:${FLAG_ID} in the audit log: ${JSON.stringify(rows)}`);
  await noActiveMarkup(cpage, 'audit');
  await cctx.close();
} catch (e) {
  problem(`the run stopped: ${e.stack || e}`);
} finally {
  await browser.close();
}

if (problems.length > 0 || process.env.E2E_VERBOSE) {
  for (const n of new Set(notes)) console.log(`note: ${n}`);
} else {
  console.log(`${notes.length} browser notes (blocked scripts, CSP refusals); E2E_VERBOSE=1 shows them`);
}
const foreign = requests.filter((r) => !r.split(' ')[2].startsWith(BASE + '/'));
console.log(`${requests.length} requests by the browser, ${foreign.length} to another origin than ${BASE}`);
if (problems.length > 0) {
  console.error(`\nFAILED: ${problems.length} problem(s):`);
  for (const p of problems) console.error(` - ${p}`);
  process.exit(1);
}
console.log('OK: login, filter, open, confirm, audit log; no payload ran; only the UI was requested');
