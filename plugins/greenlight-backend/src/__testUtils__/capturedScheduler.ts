import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';

/**
 * A module that hands the plugin's scheduler to the test, so a test can run a scheduled
 * task (e.g. the DORA rollups) exactly when it says so.
 */
export function capturedScheduler() {
  let scheduler: SchedulerService | undefined;
  const module = createBackendModule({
    pluginId: 'greenlight',
    moduleId: 'test-scheduler',
    register(env) {
      env.registerInit({
        deps: { s: coreServices.scheduler },
        async init({ s }) {
          scheduler = s;
        },
      });
    },
  });
  return {
    module,
    /** Runs a scheduled task once, as the scheduler would. */
    async trigger(taskId: string) {
      if (!scheduler) throw new Error('the backend has not started');
      await scheduler.triggerTask(taskId);
    },
  };
}
