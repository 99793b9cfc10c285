// keystone-manage bootstrap, with py-keystone Zed's results and idempotency: the default domain, the admin
// project and user (password reset and user re-enabled when they differ), immutable roles reader < member < admin
// (admin implies member implies reader), admin's grants on the project and on the system, and optionally a region,
// the identity service and its endpoints. Everything runs in one transaction: a failure leaves nothing half-made.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { KeystoneConfig } from '../config/schema.js';
import type { Database, Executor } from '../db/connection.js';
import { localUser, NULL_DOMAIN_ID, ROOT_DOMAIN_ID } from '../db/legacy/schema.js';
import { ensureGrant, ensureImpliedRole, ensureSystemGrant, findGlobalRoleByName, insertRole } from '../assignment/store.js';
import {
  ensureRegion,
  findServicesByType,
  insertEndpoint,
  insertService,
  listEndpointsOfService,
  updateEndpointUrl,
} from '../catalog/store.js';
import { checkPassword, hashPassword } from '../identity/password-hash.js';
import { findUserByName, insertLocalUser, insertPassword, setUserEnabled } from '../identity/store.js';
import type { Logger } from '../logger.js';
import { findProjectByName, getProjectRow, insertProject } from '../resource/store.js';
import { insertRevocationEvent } from '../revoke/store.js';

export interface BootstrapOptions {
  username: string;
  password: string;
  projectName: string;
  roleName: string;
  serviceName: string;
  regionId?: string | undefined;
  adminUrl?: string | undefined;
  publicUrl?: string | undefined;
  internalUrl?: string | undefined;
  immutableRoles: boolean;
}

export interface BootstrapResult {
  userId: string;
  projectId: string;
  roleIds: { reader: string; member: string; admin: string };
  created: string[];
}

const newId = () => randomUUID().replaceAll('-', '');

export async function bootstrap(database: Database, config: KeystoneConfig, options: BootstrapOptions, logger: Logger): Promise<BootstrapResult> {
  // Hash before the transaction: bcrypt takes ~0.3 s and must not hold locks.
  const passwordHash = await hashPassword(options.password, config.identity);
  return database.db.transaction(async (tx) => {
    const created: string[] = [];
    const note = (what: string) => {
      created.push(what);
      logger.info(`bootstrap: created ${what}`);
    };
    const domainId = config.identity.default_domain_id;
    if (!(await getProjectRow(tx, domainId))) {
      await insertProject(tx, {
        id: domainId,
        name: 'Default',
        enabled: true,
        description: 'The default domain',
        domainId: ROOT_DOMAIN_ID,
        isDomain: true,
        extra: '{}',
      });
      note(`domain ${domainId}`);
    }

    let projectRow = await findProjectByName(tx, options.projectName, domainId);
    if (!projectRow) {
      const id = newId();
      await insertProject(tx, {
        id,
        name: options.projectName,
        enabled: true,
        description: 'Bootstrap project for initializing the cloud.',
        domainId,
        parentId: domainId,
        isDomain: false,
        extra: '{}',
      });
      projectRow = (await getProjectRow(tx, id))!;
      note(`project ${options.projectName}`);
    }

    const userId = await ensureAdminUser(tx, config, options, passwordHash, domainId, note);

    const ensureRole = async (name: string) => {
      const existing = await findGlobalRoleByName(tx, name);
      if (existing) return existing.id;
      const id = newId();
      await insertRole(tx, { id, name, domainId: NULL_DOMAIN_ID, extra: '{}' }, options.immutableRoles ? { IMMU: 'true' } : {});
      note(`role ${name}`);
      return id;
    };
    const reader = await ensureRole('reader');
    const member = await ensureRole('member');
    await ensureImpliedRole(tx, member, reader);
    const admin = await ensureRole(options.roleName);
    await ensureImpliedRole(tx, admin, member);

    if (await ensureGrant(tx, { type: 'UserProject', actorId: userId, targetId: projectRow.id, roleId: admin, inherited: false })) {
      note(`grant ${options.roleName} on project ${options.projectName}`);
    }
    if (await ensureSystemGrant(tx, { type: 'UserSystem', actorId: userId, roleId: admin })) {
      note(`grant ${options.roleName} on the system`);
    }

    if (options.regionId && (await ensureRegion(tx, options.regionId))) note(`region ${options.regionId}`);
    await ensureCatalog(tx, options, note);
    return { userId, projectId: projectRow.id, roleIds: { reader, member, admin }, created };
  });
}

async function ensureAdminUser(
  tx: Executor,
  config: KeystoneConfig,
  options: BootstrapOptions,
  passwordHash: string,
  domainId: string,
  note: (what: string) => void,
): Promise<string> {
  const existing = await findUserByName(tx, options.username, domainId);
  if (!existing) {
    const id = newId();
    await insertLocalUser(tx, { id, name: options.username, domainId, enabled: true, extra: {}, now: new Date() }, passwordHash);
    note(`user ${options.username}`);
    return id;
  }
  const passwordMatches = await checkPassword(options.password, existing.passwordHash, config.identity);
  if (!existing.enabled) await setUserEnabled(tx, existing.id, true);
  if (!passwordMatches && existing.localUserId !== null) {
    await insertPassword(tx, existing.localUserId, passwordHash, new Date());
    await tx.update(localUser).set({ failedAuthCount: 0, failedAuthAt: null }).where(eq(localUser.id, existing.localUserId));
    // A password change ends the user's existing tokens, as py-keystone's update_user does.
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    await insertRevocationEvent(tx, { userId: existing.id, issuedBefore: now, revokedAt: now });
  }
  return existing.id;
}

async function ensureCatalog(tx: Executor, options: BootstrapOptions, note: (what: string) => void): Promise<void> {
  const wanted = { public: options.publicUrl, internal: options.internalUrl, admin: options.adminUrl };
  if (!wanted.public && !wanted.internal && !wanted.admin) return;
  let [svc] = await findServicesByType(tx, 'identity');
  if (!svc) {
    const id = newId();
    await insertService(tx, { id, type: 'identity', enabled: true, extra: JSON.stringify({ name: options.serviceName }) });
    [svc] = await findServicesByType(tx, 'identity');
    note(`service ${options.serviceName}`);
  }
  const existing = await listEndpointsOfService(tx, svc!.id, options.regionId);
  for (const [iface, url] of Object.entries(wanted)) {
    if (!url) continue;
    const endpoint = existing.find((e) => e.interface === iface);
    if (endpoint) {
      await updateEndpointUrl(tx, endpoint.id, url);
    } else {
      await insertEndpoint(tx, {
        id: newId(),
        interface: iface,
        serviceId: svc!.id,
        url,
        enabled: true,
        regionId: options.regionId ?? null,
        extra: '{}',
      });
      note(`${iface} endpoint ${url}`);
    }
  }
}

