#!/usr/bin/env node
// Asks Greenlight to watch a progressive deployment and prints the rollout id that
// `greenlight gate wait --rollout` polls. Greenlight also starts the rollout by itself
// when it records the deployment; asking is idempotent and answers with that rollout.
//
//   node scripts/greenlight-rollout.mjs <entity-ref> <environment> <deployment-id> <strategy> <digest>
//
// Needs GREENLIGHT_URL and GREENLIGHT_TOKEN, like the greenlight CLI.
const [entityRef, environment, deploymentId, strategy, artifactDigest] = process.argv.slice(2);
const { GREENLIGHT_URL: base, GREENLIGHT_TOKEN: token } = process.env;
if (!artifactDigest || !base || !token) {
  console.error('usage: greenlight-rollout.mjs <entity-ref> <environment> <deployment-id> <strategy> <digest>');
  console.error('and set GREENLIGHT_URL and GREENLIGHT_TOKEN');
  process.exit(2);
}

const url = `${base.replace(/\/+$/, '').replace(/\/api\/greenlight(\/v1)?$/, '')}/api/greenlight/v1/rollouts`;
const body = JSON.stringify({ entityRef, environment, deploymentId, strategy, artifactDigest });

for (let attempt = 1; ; attempt++) {
  let problem;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body,
    });
    const text = await response.text();
    if (response.ok) {
      console.log(JSON.parse(text).id);
      process.exit(0);
    }
    problem = `HTTP ${response.status}: ${text}`;
    if (response.status < 500 && response.status !== 429) {
      console.error(`Greenlight refused to watch ${deploymentId}: ${problem}`);
      process.exit(1);
    }
  } catch (error) {
    problem = error.message;
  }
  if (attempt === 3) {
    console.error(`Greenlight did not answer: ${problem}`);
    process.exit(1);
  }
  await new Promise(resolve => setTimeout(resolve, 2000 * attempt));
}
