/*
 * Browser helpers for end-to-end tests that drive the portal: signing in as the guest, keeping
 * what the page showed when a step fails, and axe-core's serious findings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Page } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(
  require.resolve('axe-core/axe.min.js'),
  'utf8',
);

/** Keeps what the browser showed when a step failed, for the person reading the CI log. */
export async function onFailure<T>(
  page: Page,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const file = path.join(os.tmpdir(), `greenlight-e2e-${name}.png`);
    await page
      .screenshot({ path: file, fullPage: true })
      .catch(() => undefined);
    const text = (await page.innerText('body').catch(() => '')).slice(0, 2000);
    process.stderr.write(
      `Screenshot of the failure: ${file}\nPage text:\n${text}\n`,
    );
    throw e;
  }
}

export async function openSignedIn(page: Page, url: string) {
  await page.goto(url);
  // The guest sign-in page appears once per browser context; after it the app remembers.
  const enter = page.getByRole('button', { name: 'Enter' });
  const signInShown = await enter
    .waitFor({ state: 'visible', timeout: 20_000 })
    .then(() => true)
    .catch(() => false);
  if (signInShown) {
    await enter.click();
    await page.waitForURL(url, { timeout: 30_000 }).catch(() => page.goto(url));
  }
}

type AxeViolation = {
  id: string;
  impact?: string;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
};

/** Runs axe-core in the page; describes its serious or critical findings, or answers ''. */
export async function seriousA11yViolations(
  page: Page,
  what: string,
): Promise<string> {
  if (!(await page.evaluate(() => 'axe' in window)))
    await page.addScriptTag({ content: AXE_SOURCE });
  // A dialog still fading in is partly transparent: axe would blend its text with the page
  // behind it and report a contrast the finished dialog does not have. Finite transitions
  // and animations are let finish first (spinners run for ever and are left alone).
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations()
          .every(
            a =>
              a.playState !== 'running' ||
              a.effect?.getComputedTiming().endTime === Infinity,
          ),
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  const violations: AxeViolation[] = await page.evaluate(async () => {
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  const serious = violations.filter(
    v => v.impact === 'serious' || v.impact === 'critical',
  );
  const describe = (v: AxeViolation) =>
    [
      `${v.impact} ${v.id}: ${v.help}`,
      ...v.nodes
        .slice(0, 5)
        .map(
          n =>
            `    ${JSON.stringify(n.target)} ${(n.failureSummary ?? '').replace(
              /\s+/g,
              ' ',
            )}`,
        ),
    ].join('\n');
  return serious.length
    ? `axe found serious or critical violations on ${what}:\n${serious
        .map(describe)
        .join('\n')}\n`
    : '';
}
