import { RuleParameters, isWorldPeer } from './rule';
import { hasPorts, isAllPorts, portsCarried } from '../model/ports';
import { SecurityGroupRule } from '../model/types';

/** Which catalog rule speaks for a world-open ingress rule: the most specific one that is enabled. */
export type WorldOpenCategory = 'WorldOpenAdminPort' | 'WorldOpenDataPort' | 'WorldOpenIngress';

export interface WorldOpenClassification {
  readonly category: WorldOpenCategory;
  /** The configured ports the rule reaches, for admin and data findings. */
  readonly ports: number[];
}

/**
 * Classify an ingress rule open to 0.0.0.0/0 or ::/0. ICMP is not a port and is never classified: its
 * FromPort/ToPort are a type and code, so "ICMP type 22" is not SSH.
 */
export function classifyWorldOpen(rule: SecurityGroupRule, params: RuleParameters): WorldOpenClassification | undefined {
  if (rule.direction !== 'ingress' || !isWorldPeer(rule.peer)) return undefined;
  // Open to the world on ports synth cannot read: never a pass.
  if (!rule.traffic) return { category: 'WorldOpenIngress', ports: [] };
  const traffic = rule.traffic;
  if (traffic.protocol === 'icmp' || traffic.protocol === 'icmpv6') return undefined;
  const admin = hasPorts(traffic) ? portsCarried(traffic, params.adminPorts) : [];
  if (admin.length > 0 && params.isEnabled('WorldOpenAdminPort')) return { category: 'WorldOpenAdminPort', ports: admin };
  const data = hasPorts(traffic) ? portsCarried(traffic, params.dataPorts) : [];
  if (data.length > 0 && params.isEnabled('WorldOpenDataPort')) return { category: 'WorldOpenDataPort', ports: data };
  return { category: 'WorldOpenIngress', ports: [] };
}

/** Whether the rule admits only ports from `allowed` (say 80 and 443). */
export function onlyAllowedPorts(rule: SecurityGroupRule, allowed: number[]): boolean {
  const traffic = rule.traffic;
  if (!traffic || !traffic.ports || isAllPorts(traffic)) return false;
  if (traffic.protocol !== 'tcp') return false;
  for (let port = traffic.ports.from; port <= traffic.ports.to; port++) {
    if (!allowed.includes(port)) return false;
  }
  return true;
}
