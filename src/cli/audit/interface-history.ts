import { CloudTrailClient, Event, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { DetachedSince } from './interface-audit';
import { DETACHING_EVENTS, EVENT_HISTORY_DAYS } from './interface-lifecycle';
import { errorMessage, errorName } from '../../handlers/shared/aws-calls';

/** Events that attach an interface: one newer than any detaching event means the detach went unnamed. */
const ATTACHING_EVENTS = new Set(['AttachNetworkInterface', 'RunInstances']);

export type Caller = <T>(what: string, call: () => Promise<T>) => Promise<T>;

/**
 * When each interface became `available`, from CloudTrail's event history: the newest event naming it that
 * detaches it (created detached, or detached). Reads one page (the 50 newest events) per interface, one call
 * at a time, because LookupEvents allows two calls a second. The times are an aid, not the verdict's ground:
 * when CloudTrail cannot be read (denied, still throttled after the retries, or not there at all, as in
 * emulators), it returns undefined with a warning that says why, and the listing goes on.
 */
export async function readDetachedSince(
  cloudtrail: CloudTrailClient,
  interfaceIds: readonly string[],
  call: Caller,
  warnings: string[],
): Promise<Map<string, DetachedSince> | undefined> {
  const found = new Map<string, DetachedSince>();
  for (const id of interfaceIds) {
    let events: Event[];
    try {
      const page = await call(`look up CloudTrail events for ${id}`, () => cloudtrail.send(new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: id }],
        MaxResults: 50,
      })));
      events = page.Events ?? [];
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause ?? error;
      const name = errorName(cause);
      warnings.push(`Could not read CloudTrail (${name && name !== 'Error' ? name : errorMessage(cause).split('\n')[0]}): how long each interface has been available is unknown.`);
      return undefined;
    }
    found.set(id, detachedSince(events));
  }
  return found;
}

/** What a newest-first list of events naming one interface says about when it was detached. */
export function detachedSince(events: readonly Event[]): DetachedSince {
  const sorted = [...events].sort((a, b) => time(b) - time(a));
  const newest = sorted[0];
  const lastEvent = newest ? { name: newest.EventName ?? '?', time: iso(newest), by: newest.Username } : undefined;
  const turning = sorted.find(e => DETACHING_EVENTS.has(e.EventName ?? '') || ATTACHING_EVENTS.has(e.EventName ?? ''));
  if (!turning) {
    return {
      lastEvent,
      note: `no CloudTrail event of the last ${EVENT_HISTORY_DAYS} days created, attached or detached it: it has been available longer, or was detached by a call that did not name it`,
    };
  }
  const by = turning.Username ? ` by ${turning.Username}` : '';
  if (DETACHING_EVENTS.has(turning.EventName ?? '')) {
    return { since: iso(turning), lastEvent, note: `since ${turning.EventName} at ${iso(turning)}${by}` };
  }
  return {
    lastEvent,
    note: `${turning.EventName} at ${iso(turning)}${by} attached it, and the call that detached it since did not name it, so when is unknown`,
  };
}

function time(event: Event): number {
  return event.EventTime ? new Date(event.EventTime).getTime() : 0;
}

function iso(event: Event): string {
  return event.EventTime ? new Date(event.EventTime).toISOString().replace(/\.\d{3}Z$/, 'Z') : '?';
}
