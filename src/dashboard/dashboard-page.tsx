import { ActionsSection } from './actions-view.js';
import type { ModelRow, PoolView, TrafficData } from './dashboard-data.js';
import { Layout } from './layout.js';
import { ModelsSection } from './models-view.js';
import { PoolSection } from './pool-view.js';
import type { Flash } from './session-store.js';
import type { FailedRequest } from './traffic-log.js';
import { TrafficSection } from './traffic-view.js';

export interface DashboardPageProps {
  pool: PoolView;
  traffic: TrafficData;
  failures: FailedRequest[];
  models: ModelRow[];
  csrfToken: string;
  canLogOut: boolean;
  flash: Flash | null;
}

/** `GET /dashboard`: the four views on one page, linked from the header. */
export function DashboardPage(props: DashboardPageProps) {
  return (
    <Layout title="Dashboard" csrfToken={props.csrfToken} canLogOut={props.canLogOut} nav flash={props.flash}>
      <h1 class="vh">relaypool dashboard</h1>
      <PoolSection view={props.pool} csrfToken={props.csrfToken} />
      <TrafficSection data={props.traffic} failures={props.failures} />
      <ModelsSection rows={props.models} />
      <ActionsSection csrfToken={props.csrfToken} />
    </Layout>
  );
}
