/**
 * What changed about an entity: `ledger` when a batch of events touched its delivery
 * history, `rollout` when one of its rollouts started, was evaluated or changed state.
 *
 * @public
 */
export type EntityChangeKind = 'ledger' | 'rollout';

/**
 * The message of a Greenlight entity signal. It carries no delivery data: a page that
 * receives it reloads through the usual permission-checked reads.
 *
 * @public
 */
export type EntityChangedSignal = {
  entityRef: string;
  change: EntityChangeKind;
};

/**
 * The signals channel on which the backend announces changes of one entity's delivery
 * data, and to which its Delivery tab listens.
 *
 * @public
 */
export function greenlightEntityChannel(entityRef: string): string {
  return `greenlight:entity:${entityRef}`;
}
