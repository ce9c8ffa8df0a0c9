CREATE TABLE `contact_overrides` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cidr` text,
	`ip_version` integer,
	`first_key` text,
	`last_key` text,
	`asn` integer,
	`addresses` text NOT NULL,
	`never_report` integer DEFAULT false NOT NULL,
	`note` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `contact_overrides_bounds` ON `contact_overrides` (`ip_version`,`first_key`,`last_key`);--> statement-breakpoint
CREATE INDEX `contact_overrides_asn` ON `contact_overrides` (`asn`);--> statement-breakpoint
CREATE TABLE `contact_ranges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ip_version` integer NOT NULL,
	`first_key` text NOT NULL,
	`last_key` text NOT NULL,
	`first` text NOT NULL,
	`last` text NOT NULL,
	`cidr` text,
	`status` text NOT NULL,
	`address` text,
	`confidence` text,
	`source` text NOT NULL,
	`server` text,
	`network_name` text,
	`country` text,
	`asn` integer,
	`resolution` text NOT NULL,
	`raw` text,
	`fetched_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `contact_ranges_bounds` ON `contact_ranges` (`ip_version`,`first_key`,`last_key`);--> statement-breakpoint
CREATE INDEX `contact_ranges_expires` ON `contact_ranges` (`expires_at`);