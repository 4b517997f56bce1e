/**
 * When the weekly delivery digest runs, from the stage's routing file (`digest`, see
 * shared/routing/schema.ts): an EventBridge Scheduler cron expression and its time zone. By
 * default Mondays 09:00 in the digest's `timeZone`, else the working hours' time zone, else UTC;
 * `"digest": false` packages the schedule disabled. serverless.yml reads each export as
 * `${file(./build-tools/digest.js):<name>}`.
 */
const { join } = require('node:path');
const { checkedRouting } = require('./check-routing.js');

const ROOT = join(__dirname, '..');
const DAYS = { Mon: 'MON', Tue: 'TUE', Wed: 'WED', Thu: 'THU', Fri: 'FRI', Sat: 'SAT', Sun: 'SUN' };

/** The digest's schedule of a routing file's content (validated by check-routing.js already). */
function scheduleOf(routing) {
  const digest = routing?.digest === false ? false : (routing?.digest ?? {});
  const [hour, minute] = (digest === false ? '09:00' : (digest.time ?? '09:00')).split(':').map(Number);
  const day = DAYS[(digest === false ? undefined : digest.day) ?? 'Mon'] ?? 'MON';
  return {
    expression: `cron(${minute} ${hour} ? * ${day} *)`,
    timeZone: (digest === false ? undefined : digest.timeZone) ?? routing?.workingHours?.timeZone ?? 'UTC',
    enabled: digest !== false,
  };
}

/** The stage's routing file as check-routing.js checked it (once for the three variables). */
async function resolve({ resolveVariable }) {
  const stage = await resolveVariable('sls:stage');
  const owns = String(await resolveVariable('param:createPipeline')) === 'true';
  // An invalid file fails the package in check-routing.js, saying why: the schedule is not read then.
  return scheduleOf(checkedRouting(stage, ROOT, owns).config);
}

module.exports = {
  scheduleOf,
  expression: async (options) => (await resolve(options)).expression,
  timeZone: async (options) => (await resolve(options)).timeZone,
  enabled: async (options) => (await resolve(options)).enabled,
};
