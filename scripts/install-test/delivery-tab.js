#!/usr/bin/env node
/*
 * Opens an entity's Delivery tab in headless Chromium, as a person would (the guest signs
 * in through the app's own sign-in page), and waits for the release rows the check of
 * docs/install.md recorded. Leaves a screenshot next to the app.
 *
 * usage: delivery-tab.js <base url> <entity path, e.g. default/component/x> <screenshot.png>
 */
const { chromium } = require('playwright-core');

const [baseUrl, entity, screenshot] = process.argv.slice(2);
const url = `${baseUrl}/catalog/${entity}/delivery`;

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  try {
    await page.goto(url);
    // The created app signs in with the guest provider; the page may or may not ask.
    const enter = page.getByRole('button', { name: 'Enter' });
    const asked = await enter
      .waitFor({ timeout: 20_000 })
      .then(() => true)
      .catch(() => false);
    if (asked) {
      await enter.click();
      await page
        .waitForURL(url, { timeout: 30_000 })
        .catch(() => page.goto(url));
    }
    for (const environment of ['production', 'staging']) {
      const row = page.getByRole('button', {
        name: `Open release 1.0.0 in ${environment}`,
      });
      await row.first().waitFor({ timeout: 90_000 });
      console.log(`Delivery tab: release 1.0.0 in ${environment} is shown`);
    }
  } catch (e) {
    await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
    console.error(`Delivery tab check failed at ${page.url()}: ${e.message}`);
    if (errors.length) console.error(`page errors:\n${errors.join('\n')}`);
    const text = await page
      .locator('body')
      .innerText()
      .catch(() => '');
    console.error(`page text:\n${text.slice(0, 3000)}`);
    await browser.close();
    process.exit(1);
  }
  await page.screenshot({ path: screenshot, fullPage: true });
  await browser.close();
})();
