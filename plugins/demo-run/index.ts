import { definePlugin, StartupBanner } from '../../kernel/index.js';
import { DemoRunStarter } from './demo-run-starter.js';

/**
 * The demo run of the main job: `npm start` sets ORCH_DEMO_RUN=1, and on a home that has never run
 * the tour (examples/plans/demo-tour.json) this plugin starts it once and the banner points to the
 * approval it waits at. `orch start` alone (systemd, PM2, tests) never starts it.
 */
export default definePlugin({
  bindings({ bind }) {
    bind(DemoRunStarter).toSelf();
    bind(StartupBanner).toService(DemoRunStarter);
  },
});
