/* The schema, as a list of migrations. Append a migration to change it;
 * never edit one that has shipped. Every table carries workspace_id so that
 * the PostgreSQL/Citus backend can distribute by it (DESIGN §9). */
#include "store/sqlite/schema.h"

const tp_migration tp__sqlite_migrations[] = {
	{1, "workspaces, contacts, accounts, visitors, events, lineage, business rows",
	 "CREATE TABLE workspace ("
	 "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	 "  currency TEXT NOT NULL DEFAULT 'USD', created_at INTEGER NOT NULL);"

	 "CREATE TABLE setting ("
	 "  workspace_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT,"
	 "  PRIMARY KEY (workspace_id, key));"

	 "CREATE TABLE account ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL,"
	 "  domain TEXT, group_id TEXT, name TEXT, industry TEXT, country TEXT,"
	 "  employees INTEGER, annual_revenue INTEGER, created_at INTEGER NOT NULL);"
	 "CREATE UNIQUE INDEX account_domain ON account(workspace_id, domain) WHERE domain IS NOT NULL;"
	 "CREATE UNIQUE INDEX account_group ON account(workspace_id, group_id) WHERE group_id IS NOT NULL;"

	 "CREATE TABLE contact ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL,"
	 "  email TEXT, user_id TEXT, first_name TEXT, last_name TEXT, title TEXT, phone TEXT,"
	 "  company TEXT, country TEXT, lead_source TEXT, owner TEXT, account_id INTEGER,"
	 "  stage TEXT NOT NULL, source_channel TEXT, consent INTEGER, merged_into INTEGER,"
	 "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	 "CREATE UNIQUE INDEX contact_email ON contact(workspace_id, email) WHERE email IS NOT NULL;"
	 "CREATE UNIQUE INDEX contact_user ON contact(workspace_id, user_id) WHERE user_id IS NOT NULL;"
	 "CREATE INDEX contact_merged ON contact(workspace_id, merged_into) WHERE merged_into IS NOT NULL;"
	 "CREATE INDEX contact_account ON contact(workspace_id, account_id) WHERE account_id IS NOT NULL;"

	 "CREATE TABLE visitor ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, anonymous_id TEXT NOT NULL,"
	 "  contact_id INTEGER, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
	 "  first_channel TEXT, landing_url TEXT,"
	 "  gclid TEXT, gbraid TEXT, wbraid TEXT, dclid TEXT, fbclid TEXT, msclkid TEXT,"
	 "  li_fat_id TEXT, ttclid TEXT,"
	 "  visit_channel TEXT, visit_source TEXT, visit_medium TEXT, visit_campaign TEXT);"
	 "CREATE UNIQUE INDEX visitor_anon ON visitor(workspace_id, anonymous_id);"
	 "CREATE INDEX visitor_contact ON visitor(workspace_id, contact_id) WHERE contact_id IS NOT NULL;"

	 "CREATE TABLE event ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, message_id TEXT NOT NULL,"
	 "  contact_id INTEGER, origin_contact_id INTEGER, anonymous_id TEXT, user_id TEXT,"
	 "  ts INTEGER NOT NULL, received_at INTEGER NOT NULL, call TEXT NOT NULL,"
	 "  type TEXT NOT NULL, name TEXT, page_category TEXT, search_term TEXT, asset TEXT,"
	 "  video_percent INTEGER, url TEXT, path TEXT, referrer TEXT, title TEXT,"
	 "  channel TEXT NOT NULL, source TEXT, medium TEXT, campaign TEXT,"
	 "  utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_term TEXT, utm_content TEXT,"
	 "  gclid TEXT, gbraid TEXT, wbraid TEXT, dclid TEXT, fbclid TEXT, msclkid TEXT,"
	 "  li_fat_id TEXT, ttclid TEXT, properties TEXT);"
	 "CREATE UNIQUE INDEX event_message ON event(workspace_id, message_id);"
	 "CREATE INDEX event_contact ON event(workspace_id, contact_id, ts) WHERE contact_id IS NOT NULL;"
	 /* Only anonymous events are indexed by visitor: they are what an identify adopts. */
	 "CREATE INDEX event_anonymous ON event(workspace_id, anonymous_id) WHERE contact_id IS NULL;"

	 "CREATE TABLE stage_change ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, contact_id INTEGER NOT NULL,"
	 "  from_stage TEXT, to_stage TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL,"
	 "  reason TEXT);"
	 "CREATE INDEX stage_change_contact ON stage_change(workspace_id, contact_id, at);"

	 "CREATE TABLE merge ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, winner_id INTEGER NOT NULL,"
	 "  loser_id INTEGER NOT NULL, rule TEXT NOT NULL, detail TEXT, at INTEGER NOT NULL,"
	 "  undone_at INTEGER);"
	 "CREATE INDEX merge_loser ON merge(workspace_id, loser_id);"
	 "CREATE INDEX merge_winner ON merge(workspace_id, winner_id);"

	 "CREATE TABLE identity_note ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, at INTEGER NOT NULL,"
	 "  kind TEXT NOT NULL, anonymous_id TEXT, contact_id INTEGER, other_contact_id INTEGER,"
	 "  detail TEXT);"
	 "CREATE INDEX identity_note_contact ON identity_note(workspace_id, contact_id);"

	 "CREATE TABLE ad_spend ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, date TEXT NOT NULL,"
	 "  channel TEXT NOT NULL, source TEXT, campaign TEXT, impressions INTEGER NOT NULL,"
	 "  clicks INTEGER NOT NULL, cost INTEGER NOT NULL, currency TEXT NOT NULL);"
	 "CREATE INDEX ad_spend_date ON ad_spend(workspace_id, date);"

	 "CREATE TABLE opportunity ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, account_id INTEGER,"
	 "  contact_id INTEGER, name TEXT, stage TEXT NOT NULL, amount INTEGER NOT NULL,"
	 "  currency TEXT NOT NULL, probability INTEGER NOT NULL, created_at INTEGER NOT NULL,"
	 "  close_date TEXT, closed_at INTEGER, lost_reason TEXT, source_channel TEXT);"
	 "CREATE INDEX opportunity_account ON opportunity(workspace_id, account_id);"

	 "CREATE TABLE revenue_movement ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, account_id INTEGER NOT NULL,"
	 "  month TEXT NOT NULL, kind TEXT NOT NULL, mrr_delta INTEGER NOT NULL,"
	 "  currency TEXT NOT NULL);"
	 "CREATE INDEX revenue_month ON revenue_movement(workspace_id, month);"

	 "CREATE TABLE channel_site ("
	 "  workspace_id INTEGER NOT NULL, list TEXT NOT NULL, site TEXT NOT NULL,"
	 "  PRIMARY KEY (workspace_id, list, site));"},

	{2, "scores, customer accounts, opportunity owners and updates",
	 "CREATE TABLE score ("
	 "  workspace_id INTEGER NOT NULL, contact_id INTEGER NOT NULL, fit REAL NOT NULL,"
	 "  engagement REAL NOT NULL, engagement_at INTEGER NOT NULL, caps TEXT,"
	 "  total REAL NOT NULL, grade INTEGER NOT NULL, probability REAL,"
	 "  updated_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, contact_id));"
	 "ALTER TABLE account ADD COLUMN customer_since INTEGER;"
	 "ALTER TABLE opportunity ADD COLUMN owner TEXT;"
	 "ALTER TABLE opportunity ADD COLUMN updated_at INTEGER;"
	 "UPDATE opportunity SET updated_at = coalesce(closed_at, created_at);"},

	/* Spend and MRR become append-only with the import they came from, so a
	 * report --as-of a past day reads what was known then. MRR is kept as
	 * levels (what billing states) rather than movements; revenue_movement
	 * was written only by the demo and is dropped (docs/ARCHITECTURE.md). */
	{3, "import history of ad spend, MRR levels",
	 "ALTER TABLE ad_spend ADD COLUMN imported_at INTEGER NOT NULL DEFAULT 0;"
	 "CREATE INDEX ad_spend_key ON ad_spend(workspace_id, date, channel, source, campaign,"
	 "  imported_at);"
	 "CREATE TABLE mrr ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, account_id INTEGER NOT NULL,"
	 "  month TEXT NOT NULL, mrr INTEGER NOT NULL, currency TEXT NOT NULL,"
	 "  imported_at INTEGER NOT NULL);"
	 "CREATE INDEX mrr_key ON mrr(workspace_id, account_id, month, imported_at);"
	 "DROP TABLE revenue_movement;"},
	{4, "API keys",
	 "CREATE TABLE api_key ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, kind TEXT NOT NULL,"
	 "  prefix TEXT NOT NULL, hash TEXT NOT NULL, label TEXT,"
	 "  created_at INTEGER NOT NULL, revoked_at INTEGER);"
	 "CREATE UNIQUE INDEX api_key_hash ON api_key(hash);"
	 "CREATE INDEX api_key_workspace ON api_key(workspace_id, id);"},
	/* Lead-ad notifications that carry only ids (Meta, LinkedIn): kept from
	 * the moment they arrive until the lead is fetched and stored. */
	{5, "lead-ad outbox",
	 "CREATE TABLE lead_fetch ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, platform TEXT NOT NULL,"
	 "  lead_id TEXT NOT NULL, notification TEXT, received_at INTEGER NOT NULL,"
	 "  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_error TEXT,"
	 "  done_at INTEGER);"
	 "CREATE UNIQUE INDEX lead_fetch_lead ON lead_fetch(workspace_id, platform, lead_id);"
	 "CREATE INDEX lead_fetch_due ON lead_fetch(next_at) WHERE done_at IS NULL;"},
	/* An erased contact keeps its row (stage, channel, dates) so that counts
	 * and funnels stay as they were; its personal fields are gone. */
	{6, "erasure",
	 "ALTER TABLE contact ADD COLUMN erased_at INTEGER;"},
	/* Nurturing: workflows, each contact's run through one, the outbox of
	 * emails and webhook calls, suppressed addresses, consent history,
	 * tags and custom fields. Due runs and due messages are found by
	 * partial indexes on their due time. */
	{7, "nurturing",
	 "CREATE TABLE workflow ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, name TEXT NOT NULL,"
	 "  definition TEXT NOT NULL, enabled INTEGER NOT NULL, loaded_at INTEGER NOT NULL);"
	 "CREATE UNIQUE INDEX workflow_name ON workflow(workspace_id, name);"
	 "CREATE TABLE workflow_run ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, workflow_id INTEGER NOT NULL,"
	 "  contact_id INTEGER NOT NULL, step INTEGER NOT NULL, state TEXT NOT NULL,"
	 "  due_at INTEGER, enrolled_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, note TEXT);"
	 "CREATE INDEX workflow_run_due ON workflow_run(workspace_id, due_at) WHERE due_at IS NOT NULL;"
	 "CREATE INDEX workflow_run_contact ON workflow_run(workspace_id, contact_id, workflow_id);"
	 "CREATE TABLE workflow_log ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, run_id INTEGER NOT NULL,"
	 "  step INTEGER NOT NULL, at INTEGER NOT NULL, what TEXT NOT NULL);"
	 "CREATE INDEX workflow_log_run ON workflow_log(workspace_id, run_id);"
	 "CREATE TABLE message ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, run_id INTEGER,"
	 "  contact_id INTEGER, kind TEXT NOT NULL, purpose TEXT NOT NULL, recipient TEXT NOT NULL,"
	 "  subject TEXT, body TEXT, links TEXT, state TEXT NOT NULL,"
	 "  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, created_at INTEGER NOT NULL,"
	 "  sent_at INTEGER, last_error TEXT, opened_at INTEGER, clicked_at INTEGER,"
	 "  bounced_at INTEGER, complained_at INTEGER, unsubscribed_at INTEGER);"
	 "CREATE INDEX message_due ON message(workspace_id, next_at) WHERE state = 'queued';"
	 "CREATE INDEX message_contact ON message(workspace_id, contact_id);"
	 "CREATE TABLE suppression ("
	 "  workspace_id INTEGER NOT NULL, email TEXT NOT NULL, reason TEXT NOT NULL,"
	 "  source TEXT, at INTEGER NOT NULL, PRIMARY KEY (workspace_id, email));"
	 "CREATE TABLE consent_change ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, contact_id INTEGER NOT NULL,"
	 "  consent INTEGER NOT NULL, source TEXT, at INTEGER NOT NULL);"
	 "CREATE INDEX consent_change_contact ON consent_change(workspace_id, contact_id);"
	 "CREATE TABLE contact_tag ("
	 "  workspace_id INTEGER NOT NULL, contact_id INTEGER NOT NULL, tag TEXT NOT NULL,"
	 "  PRIMARY KEY (workspace_id, contact_id, tag));"
	 "CREATE TABLE contact_field ("
	 "  workspace_id INTEGER NOT NULL, contact_id INTEGER NOT NULL, name TEXT NOT NULL,"
	 "  value TEXT NOT NULL, PRIMARY KEY (workspace_id, contact_id, name));"},
	/* Date triggers of workflows look up the contacts whose date field lies
	 * in a window: ISO dates sort as text. */
	{8, "field values",
	 "CREATE INDEX contact_field_value ON contact_field(workspace_id, name, value);"},
	/* The collector's durable queue: bodies answered 200 whose calls the
	 * writer has not stored yet (src/server/writer.h). A body that cannot
	 * be stored stays, with its error. */
	{9, "collector inbox",
	 "CREATE TABLE inbox ("
	 "  id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, call INTEGER NOT NULL,"
	 "  events INTEGER NOT NULL, received_at INTEGER NOT NULL, body BLOB NOT NULL,"
	 "  error TEXT);"
	 "CREATE INDEX inbox_workspace ON inbox(workspace_id, id);"},
	/* The event indexes lead with their key, the workspace second: a
	 * database usually holds one workspace, so a leading workspace_id is
	 * equal in every entry, and each comparison of a bulk load's index build
	 * (SQLite's sorter) went past it to the key by the slow path. Look-ups
	 * give both; the index builds of a 300K load take 0.68-0.71x the
	 * instructions (docs/PERFORMANCE.md). */
	{10, "event indexes keyed by message, contact and anonymous id first",
	 "DROP INDEX event_message;"
	 "CREATE UNIQUE INDEX event_message ON event(message_id, workspace_id);"
	 "DROP INDEX event_contact;"
	 "CREATE INDEX event_contact ON event(contact_id, workspace_id, ts) WHERE contact_id IS NOT NULL;"
	 "DROP INDEX event_anonymous;"
	 "CREATE INDEX event_anonymous ON event(anonymous_id, workspace_id) WHERE contact_id IS NULL;"},
};

const int tp__sqlite_migration_count =
	(int)(sizeof tp__sqlite_migrations / sizeof tp__sqlite_migrations[0]);
