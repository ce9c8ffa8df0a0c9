// Abuse contacts: the range cache (one row per network range a registry answered
// for, with provenance and the raw answer) and the operator's overrides.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const contactRanges = sqliteTable(
  'contact_ranges',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ipVersion: integer('ip_version').notNull(),
    /** Sortable hex keys of the first and last address (see core/ip-ranges). */
    firstKey: text('first_key').notNull(),
    lastKey: text('last_key').notNull(),
    first: text('first').notNull(),
    last: text('last').notNull(),
    cidr: text('cidr'),
    /** found, none, failed. */
    status: text('status').notNull(),
    /** The chosen address (null unless found). */
    address: text('address'),
    confidence: text('confidence'),
    /** rdap, whois. */
    source: text('source').notNull(),
    /** The server or URL that gave the answer. */
    server: text('server'),
    networkName: text('network_name'),
    country: text('country'),
    asn: integer('asn'),
    /** JSON: chosen, alternatives, webFormOnly, network, evidence, reason (services/resolve-contact). */
    resolution: text('resolution').notNull(),
    /** The registry answer as received (decoded text, capped at lookup.maxAnswerBytes). */
    raw: text('raw'),
    fetchedAt: integer('fetched_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('contact_ranges_bounds').on(t.ipVersion, t.firstKey, t.lastKey), index('contact_ranges_expires').on(t.expiresAt)],
);

export const contactOverrides = sqliteTable(
  'contact_overrides',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Canonical CIDR; null for an override by AS number only. */
    cidr: text('cidr'),
    ipVersion: integer('ip_version'),
    firstKey: text('first_key'),
    lastKey: text('last_key'),
    /** Origin AS the override applies to (matched against the registry answer). */
    asn: integer('asn'),
    /** JSON array of addresses; empty when neverReport. */
    addresses: text('addresses', { mode: 'json' }).$type<string[]>().notNull(),
    neverReport: integer('never_report', { mode: 'boolean' }).notNull().default(false),
    note: text('note'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('contact_overrides_bounds').on(t.ipVersion, t.firstKey, t.lastKey), index('contact_overrides_asn').on(t.asn)],
);

export type ContactRangeRow = typeof contactRanges.$inferSelect;
export type NewContactRangeRow = typeof contactRanges.$inferInsert;
export type ContactOverrideRow = typeof contactOverrides.$inferSelect;
