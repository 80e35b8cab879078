import * as fs from 'fs';
import * as path from 'path';
import type { IpPermission, Tag } from '@aws-sdk/client-ec2';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ReferencingRule } from './group-audit';
import type { AwsSession } from './session';
import { errorName } from '../../handlers/shared/aws-calls';
import { CliError } from '../inputs';

export const RECORD_KIND = 'sg-strategy-prune-record';

/** One group as it was just before `prune` deleted it: everything `restore` needs to make it again. */
export interface RecordedGroup {
  readonly groupId: string;
  readonly groupName: string;
  readonly description: string;
  readonly vpcId: string;
  readonly ownerId?: string;
  readonly tags: Tag[];
  readonly ipPermissions: IpPermission[];
  readonly ipPermissionsEgress: IpPermission[];
  /** Rules in other groups that named this one when it was recorded (only groups deleted in the same run can). */
  readonly referencedBy: ReferencingRule[];
}

/** One interface as it was before `prune` deleted it. Interfaces are recorded for the trail, not recreated. */
export interface RecordedInterface {
  readonly interfaceId: string;
  readonly description: string;
  readonly interfaceType: string;
  readonly status: string;
  readonly vpcId?: string;
  readonly subnetId?: string;
  readonly privateIpAddress?: string;
  readonly requesterManaged: boolean;
  readonly requesterId?: string;
  readonly groupIds: string[];
  readonly tags: Tag[];
  /** What `audit --interfaces` said stood behind it. */
  readonly behind: string;
}

/** The file `prune --apply` writes before its first delete. README documents it. */
export interface PruneRecord {
  readonly kind: typeof RECORD_KIND;
  readonly schemaVersion: '1.0';
  readonly createdAt: string;
  readonly region: string;
  /** In the order they are deleted: interfaces, then groups (a group before those its rules name). */
  readonly interfaces: RecordedInterface[];
  readonly groups: RecordedGroup[];
}

/** Where records go: a local directory, or an S3 bucket and key prefix. */
export type RecordPlace = { readonly dir: string } | { readonly bucket: string; readonly prefix: string };

export function recordPlace(where: string, cwd: string): RecordPlace {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(where);
  if (s3) return { bucket: s3[1], prefix: s3[2].replace(/\/+$/, '') };
  if (where.startsWith('s3:')) throw new CliError(`--record-dir: "${where}" is not an S3 location; write s3://bucket/prefix`);
  return { dir: path.resolve(cwd, where) };
}

/** Where records go, as the user would write it: relative to `cwd` when under it. */
export function placeText(place: RecordPlace, cwd: string): string {
  return 'dir' in place ? relativeTo(cwd, place.dir) : `s3://${place.bucket}/${place.prefix}${place.prefix ? '/' : ''}`;
}

/** A local path relative to `cwd` when it lies under it; anything else as it is. */
export function relativeTo(cwd: string, where: string): string {
  if (where.startsWith('s3://')) return where;
  const relative = path.relative(cwd, where);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? where : relative;
}

/**
 * Writes the record and returns where. A local file is written whole under a temporary name, flushed, then
 * renamed, so a record that exists is complete. A record on S3 is written only where no object is, then read
 * back and compared. Nothing is ever overwritten. Any failure throws, and the caller deletes nothing.
 */
export async function writeRecord(record: PruneRecord, place: RecordPlace, session: AwsSession): Promise<string> {
  // A record restore would refuse is no record: check it with restore's own reader before writing it.
  try {
    validRecord(JSON.parse(JSON.stringify(record)), 'the record about to be written');
  } catch (error) {
    throw new CliError(`${(error as Error).message} Nothing was deleted.`);
  }
  const name = `sg-strategy-prune-${record.region}-${record.createdAt.replace(/[:.]/g, '-')}.json`;
  const body = `${JSON.stringify(record, undefined, 2)}\n`;
  if ('dir' in place) {
    let partial: string | undefined;
    try {
      fs.mkdirSync(place.dir, { recursive: true });
      // A second run in the same millisecond gets its own name: a record is never overwritten.
      let file = path.join(place.dir, name);
      for (let n = 2; fs.existsSync(file) || fs.existsSync(`${file}.partial`); n++) file = path.join(place.dir, name.replace(/\.json$/, `-${n}.json`));
      partial = `${file}.partial`;
      const fd = fs.openSync(partial, 'wx');
      try {
        fs.writeSync(fd, body);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(partial, file);
      return file;
    } catch (error) {
      try {
        if (partial) fs.rmSync(partial, { force: true });
      } catch {
        // Nothing was written there either.
      }
      throw new CliError(`Could not write the record to ${place.dir} (${(error as Error).message}). Nothing was deleted.`);
    }
  }
  const s3 = session.s3();
  // As with a local file, a record is never overwritten: the write is conditional on no object at the key
  // (If-None-Match: *, which needs only s3:PutObject). S3 answers PreconditionFailed (412) when the key exists and
  // ConditionalRequestConflict (409) when another conditional write to it is under way (S3 User Guide,
  // "conditional writes"); either way the name is taken, and the record takes the next one.
  for (let n = 1; ; n++) {
    const file = n === 1 ? name : name.replace(/\.json$/, `-${n}.json`);
    const key = place.prefix ? `${place.prefix}/${file}` : file;
    const where = `s3://${place.bucket}/${key}`;
    try {
      await session.call(`write the record to ${where}`, () => s3.send(new PutObjectCommand({
        Bucket: place.bucket, Key: key, Body: body, ContentType: 'application/json', IfNoneMatch: '*',
      })));
    } catch (error) {
      if (NAME_TAKEN.has(errorName((error as { cause?: unknown }).cause ?? error)) && n < MAX_NAME_TRIES) continue;
      throw new CliError(`${(error as Error).message}. Nothing was deleted.`);
    }
    // Read back before anything is deleted: a record restore could not read (a bucket policy that denies reads,
    // a key the caller cannot decrypt with) or that is not what was written is no record.
    let text: string;
    try {
      const got = await session.call(`read back the record ${where}`, () => s3.send(new GetObjectCommand({ Bucket: place.bucket, Key: key })));
      text = got.Body ? await got.Body.transformToString() : '';
    } catch (error) {
      throw new CliError(`${(error as Error).message}. The record was written but cannot be read back, so restore could not use it. Nothing was deleted.`);
    }
    if (text !== body) throw new CliError(`The record read back from ${where} is not the one written. Nothing was deleted.`);
    return where;
  }
}

/** How many names a record on S3 tries when each is taken before it gives up. */
const MAX_NAME_TRIES = 20;
const NAME_TAKEN = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);

/** Reads a record from a path or s3://bucket/key, and refuses anything this command did not write. */
export async function readRecord(where: string, cwd: string, s3Reader: (bucket: string, key: string) => Promise<string>): Promise<PruneRecord> {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(where);
  let text: string;
  if (s3) {
    text = await s3Reader(s3[1], s3[2]);
  } else {
    const file = path.resolve(cwd, where);
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new CliError(`Could not read the record ${file}: ${(error as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${where} is not JSON (${(error as Error).message}); give a record that sg-strategy prune wrote.`);
  }
  return validRecord(parsed, where);
}

/** The record, if it has the shape `prune` writes; otherwise an error that names the first thing wrong. */
export function validRecord(value: unknown, where: string): PruneRecord {
  const fail = (what: string): never => {
    throw new CliError(`${where} is not a record that sg-strategy prune wrote: ${what}.`);
  };
  const r = value as Partial<PruneRecord> | null;
  if (typeof r !== 'object' || r === null) return fail('it is not an object');
  if (r.kind !== RECORD_KIND) fail(`"kind" is ${JSON.stringify(r.kind)}, not "${RECORD_KIND}"`);
  if (r.schemaVersion !== '1.0') fail(`"schemaVersion" is ${JSON.stringify(r.schemaVersion)}; this command reads "1.0"`);
  // Partition prefixes run from "us" to "eusc" (eusc-de-east-1, the SDK's partitions table).
  if (typeof r.region !== 'string' || !/^[a-z]{2,4}(-[a-z]+)+-\d+$/.test(r.region)) fail('"region" is not an AWS region');
  if (!Array.isArray(r.groups) || !Array.isArray(r.interfaces)) fail('"groups" and "interfaces" must be lists');
  r.groups!.forEach((g, i) => {
    const at = `groups[${i}]`;
    if (typeof g?.groupId !== 'string' || !/^sg-[0-9a-f]+$/.test(g.groupId)) fail(`${at}.groupId is not a security group id`);
    for (const field of ['groupName', 'description', 'vpcId'] as const) {
      if (typeof g[field] !== 'string' || g[field] === '') fail(`${at}.${field} is missing`);
    }
    for (const field of ['tags', 'ipPermissions', 'ipPermissionsEgress', 'referencedBy'] as const) {
      if (!Array.isArray(g[field])) fail(`${at}.${field} is not a list`);
    }
    for (const p of [...g.ipPermissions, ...g.ipPermissionsEgress]) {
      if (typeof p !== 'object' || p === null || typeof p.IpProtocol !== 'string') fail(`${at} has a rule without IpProtocol`);
    }
  });
  return r as PruneRecord;
}
