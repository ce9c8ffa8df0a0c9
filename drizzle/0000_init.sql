CREATE TABLE `mailbox_sync` (
	`mailbox` text PRIMARY KEY NOT NULL,
	`uid_validity` integer NOT NULL,
	`last_uid` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` text NOT NULL,
	`sha256` text NOT NULL,
	`raw` blob NOT NULL,
	`size` integer NOT NULL,
	`source` text NOT NULL,
	`source_ref` text,
	`mailbox` text,
	`uid_validity` integer,
	`uid` integer,
	`stored_at` integer NOT NULL,
	`date` integer,
	`from_address` text,
	`subject` text,
	`kind` text NOT NULL,
	`trusted` integer NOT NULL,
	`error` text,
	`report_count` integer DEFAULT 0 NOT NULL,
	`archived_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_sha256` ON `messages` (`sha256`);--> statement-breakpoint
CREATE INDEX `messages_message_id` ON `messages` (`message_id`);--> statement-breakpoint
CREATE INDEX `messages_stored_at` ON `messages` (`stored_at`,`id`);--> statement-breakpoint
CREATE INDEX `messages_kind` ON `messages` (`kind`,`stored_at`);--> statement-breakpoint
CREATE INDEX `messages_location` ON `messages` (`mailbox`,`uid_validity`,`uid`);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_row_id` integer NOT NULL,
	`message_id` text NOT NULL,
	`kind` text DEFAULT 'ban' NOT NULL,
	`ip` text NOT NULL,
	`ip_version` integer NOT NULL,
	`ip_key` text NOT NULL,
	`service` text NOT NULL,
	`reporter` text,
	`failures` integer,
	`banned_at` integer NOT NULL,
	`whois` text,
	`log_lines` text DEFAULT '[]' NOT NULL,
	`log_paths` text DEFAULT '[]' NOT NULL,
	`private` integer NOT NULL,
	`private_reason` text,
	`trusted` integer NOT NULL,
	`complaint_id` integer,
	FOREIGN KEY (`message_row_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reports_ip` ON `reports` (`ip_key`,`banned_at`);--> statement-breakpoint
CREATE INDEX `reports_banned_at` ON `reports` (`banned_at`,`id`);--> statement-breakpoint
CREATE INDEX `reports_message` ON `reports` (`message_row_id`);--> statement-breakpoint
CREATE INDEX `reports_message_id` ON `reports` (`message_id`);--> statement-breakpoint
CREATE INDEX `reports_unused` ON `reports` (`complaint_id`,`ip_key`);