/* Versioned migrations of the SQLite schema. Each is applied once, in order,
 * in its own transaction, and recorded in schema_migration. */
#ifndef TP_STORE_SQLITE_SCHEMA_H
#define TP_STORE_SQLITE_SCHEMA_H

typedef struct tp_migration {
	int version;
	const char *description;
	const char *sql;
} tp_migration;

extern const tp_migration tp__sqlite_migrations[];
extern const int tp__sqlite_migration_count;

#endif
