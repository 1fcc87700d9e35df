// The weekly lists in headless Chromium, as a municipality user (run by
// tests/web_reports_browser.rs, which makes the lists and starts the UI):
//
//   BASE_URL            the UI, e.g. http://127.0.0.1:41234
//   USER_NAME/_PASSWORD a municipality user
//   OWN_LIST, OWN_CODE  its own list's id and its municipality code
//   OTHER_LIST, OTHER_CODE  another municipality's list
//   CHROMIUM            default /usr/bin/chromium
//
// It checks: the user reaches Weeklijsten from the menu and sees its own list and none
// of the other municipality's; its own CSV downloads (a real download, from the link);
// the other list's page and files, typed as URLs, answer 404; its own list's page offers
// "Markeer als afgehandeld". Exit 0 when all holds; otherwise exit 1 with every problem.

import { launchChromium, need as needSetting } from './common.mjs';

const need = (name) => needSetting('reports.mjs', name);
const BASE = new URL(need('BASE_URL')).origin;
const USER = { name: need('USER_NAME'), password: need('USER_PASSWORD') };
const OWN_LIST = need('OWN_LIST');
const OWN_CODE = need('OWN_CODE');
const OTHER_LIST = need('OTHER_LIST');
const OTHER_CODE = need('OTHER_CODE');

const problems = [];
function check(ok, msg) {
  if (!ok) {
    problems.push(msg);
    console.log(`PROBLEM: ${msg}`);
  }
  return ok;
}

const browser = await launchChromium();
try {
  const context = await browser.newContext({ baseURL: BASE, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto('/login');
  await page.locator('#name').fill(USER.name);
  await page.locator('#password').fill(USER.password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.getByRole('button', { name: 'Inloggen' }).click()]);

  await page.getByRole('link', { name: 'Weeklijsten' }).click();
  await page.waitForURL((u) => u.pathname === '/reports');
  const table = await page.locator('main').innerText();
  check(table.includes(OWN_CODE), `/reports does not show the own municipality ${OWN_CODE}`);
  check(!table.includes(OTHER_CODE), `/reports shows the other municipality ${OTHER_CODE}`);
  const hrefs = await page.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check(hrefs.includes(`/reports/${OWN_LIST}`), `no link to the own list: ${hrefs}`);
  check(!hrefs.some((h) => h.startsWith(`/reports/${OTHER_LIST}`)), `a link to the other list: ${hrefs}`);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`a[href="/reports/${OWN_LIST}/csv"]`).first().click(),
  ]);
  const path = await download.path();
  check(path !== null, 'the own CSV did not download');
  check(download.suggestedFilename().startsWith(OWN_CODE), `download named ${download.suggestedFilename()}`);

  for (const uri of [`/reports/${OTHER_LIST}`, `/reports/${OTHER_LIST}/csv`, `/reports/${OTHER_LIST}/pdf`]) {
    const answer = await page.request.get(uri);
    check(answer.status() === 404, `${uri} answered ${answer.status()}, not 404`);
  }
  const other = await page.goto(`/reports/${OTHER_LIST}`);
  check(other.status() === 404, `typing /reports/${OTHER_LIST} shows ${other.status()}`);

  await page.goto(`/reports/${OWN_LIST}`);
  check(await page.getByRole('button', { name: 'Markeer als afgehandeld' }).count() > 0,
    'the own list offers no "Markeer als afgehandeld"');
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.log(`${problems.length} problems`);
  process.exit(1);
}
console.log('reports.mjs: all checks hold');
