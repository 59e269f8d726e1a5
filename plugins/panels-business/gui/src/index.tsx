import type { ComponentType } from 'react';
import type { PanelProps } from '@orch/gui-sdk';
import { ApprovalsBadge, ApprovalsPanel } from './approvals';
import { PlansPanel } from './plans';
import { RunsPanel } from './runs';

/** Panel id (as in plugin.json) → component. The shell imports this module at run time. */
const panels: Record<string, ComponentType<PanelProps>> = {
  approvals: ApprovalsPanel,
  runs: RunsPanel,
  plans: PlansPanel,
  'approvals-badge': ApprovalsBadge,
};
export default panels;
