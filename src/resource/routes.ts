// /v3 routes of the resource area: domains, projects, project tags and the domain configuration API, listed in
// JSON-home under py-keystone's relation names.
import type { App, RouteContext } from '../server/app.js';
import { registerDomainConfigRoutes } from './domain-config-routes.js';
import { DomainConfigService } from './domain-config.js';
import { registerDomainRoutes } from './domain-routes.js';
import { registerProjectRoutes } from './project-routes.js';
import { registerProjectTagRoutes } from './project-tag-routes.js';
import { ResourceService } from './service.js';

const CONFIG_GROUP = 'https://docs.openstack.org/api/openstack-identity/3/param/config_group';
const CONFIG_OPTION = 'https://docs.openstack.org/api/openstack-identity/3/param/config_option';
const TAG_VALUE = 'https://docs.openstack.org/api/openstack-identity/3/param/tag_value';

export function registerResourceRoutes(app: App, ctx: RouteContext): void {
  const { jsonHome } = ctx;
  jsonHome.add('rel/domains', '/domains');
  jsonHome.add('rel/domain', '/domains/{domain_id}');
  jsonHome.add('rel/domain_config', '/domains/{domain_id}/config');
  jsonHome.add('rel/domain_config_group', '/domains/{domain_id}/config/{group}', { group: CONFIG_GROUP });
  jsonHome.add('rel/domain_config_option', '/domains/{domain_id}/config/{group}/{option}', {
    group: CONFIG_GROUP,
    option: CONFIG_OPTION,
  });
  jsonHome.add('rel/domain_config_default', '/domains/config/default');
  jsonHome.add('rel/domain_config_default_group', '/domains/config/{group}/default', { group: CONFIG_GROUP });
  jsonHome.add('rel/domain_config_default_option', '/domains/config/{group}/{option}/default', {
    group: CONFIG_GROUP,
    option: CONFIG_OPTION,
  });
  jsonHome.add('rel/projects', '/projects');
  jsonHome.add('rel/project', '/projects/{project_id}');
  // py-keystone registers both tag routes under one relation; the later (single tag) one is what it publishes.
  jsonHome.add('rel/project_tags', '/projects/{project_id}/tags/{value}', { value: TAG_VALUE });

  const resources = new ResourceService(ctx);
  registerDomainRoutes(app, ctx, resources);
  registerProjectRoutes(app, ctx, resources);
  registerProjectTagRoutes(app, ctx, resources);
  registerDomainConfigRoutes(app, ctx, new DomainConfigService(ctx));
}
