import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { IngestionSource } from '@greenlight/backstage-plugin-greenlight-node';
import { z } from 'zod';
import {
  alertSchema,
  mapAlert,
  mappedAction,
  SELECTOR_ANNOTATION,
  webhookPayloadSchema,
} from './mapAlert';
import { alertMatches, parseSelector } from './selector';
import { OpsgenieSettings } from './settings';
import { headerMatches } from './token';

function parse<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 5)
    .map(i => `${[prefix, ...i.path.map(String)].join('.')}: ${i.message}`);
  throw new InputError(
    `Not an Opsgenie webhook integration payload: ${issues.join('; ')}`,
  );
}

/**
 * The Opsgenie outgoing webhook integration as an ingestion source: alerts become ledger
 * incidents of the components whose `opsgenie.com/component-selector` selects them.
 */
export function createOpsgenieSource(
  settings: OpsgenieSettings,
  now: () => number = Date.now,
): IngestionSource {
  const unreadable = new Set<string>();
  return {
    id: 'opsgenie',
    annotations: [SELECTOR_ANNOTATION],
    webhook: {
      authenticate({ headers }) {
        return headerMatches(headers[settings.headerName], settings.tokens);
      },
      async handle({ body }, context) {
        const payload = parse(webhookPayloadSchema, body, 'body');
        const action = mappedAction(payload.action);
        if (!action) {
          return {
            batches: [],
            ignoredReason: `Opsgenie ${payload.action} actions are not recorded`,
          };
        }
        const alert = parse(alertSchema, payload.alert, 'alert');
        const refs: string[] = [];
        for (const entity of await context.findEntities(SELECTOR_ANNOTATION)) {
          const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
          const selector =
            entity.metadata.annotations?.[SELECTOR_ANNOTATION] ?? '';
          const terms = parseSelector(selector);
          if (!terms) {
            if (!unreadable.has(ref)) {
              unreadable.add(ref);
              context.logger.warn(
                `${ref}: ${SELECTOR_ANNOTATION} uses more than tag: and entity: terms joined by OR; it selects no alert`,
              );
            }
            continue;
          }
          if (alertMatches(terms, alert)) refs.push(ref);
        }
        if (refs.length === 0) {
          return {
            batches: [],
            ignoredReason: `no ${SELECTOR_ANNOTATION} selects alert ${alert.alertId}`,
          };
        }
        refs.sort();
        const event = mapAlert({
          action,
          alert,
          environment: settings.environment,
          entityRefs: refs,
          receivedAt: now(),
        });
        // One event names every selected component: they share the one alert.
        return { batches: [{ entityRef: refs[0], events: [event] }] };
      },
    },
  };
}
