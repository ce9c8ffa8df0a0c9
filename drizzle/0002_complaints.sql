CREATE TABLE `complaint_ips` (
	`complaint_id` integer NOT NULL,
	`ip` text NOT NULL,
	`ip_key` text NOT NULL,
	PRIMARY KEY(`complaint_id`, `ip_key`),
	FOREIGN KEY (`complaint_id`) REFERENCES `complaints`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `complaint_ips_ip` ON `complaint_ips` (`ip_key`,`complaint_id`);--> statement-breakpoint
CREATE TABLE `complaint_reports` (
	`complaint_id` integer NOT NULL,
	`report_id` integer NOT NULL,
	`message_row_id` integer NOT NULL,
	PRIMARY KEY(`complaint_id`, `report_id`),
	FOREIGN KEY (`complaint_id`) REFERENCES `complaints`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `complaint_reports_report` ON `complaint_reports` (`report_id`);--> statement-breakpoint
CREATE TABLE `complaints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`state` text NOT NULL,
	`ip` text NOT NULL,
	`ip_key` text NOT NULL,
	`recipient` text NOT NULL,
	`abuse_contact` text NOT NULL,
	`contact` text NOT NULL,
	`message_id` text NOT NULL,
	`in_reply_to` text,
	`subject` text NOT NULL,
	`body_text` text NOT NULL,
	`xarf_report` text NOT NULL,
	`evidence_log` text NOT NULL,
	`source_message_ids` text NOT NULL,
	`reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`approved_by` text,
	`approved_at` integer,
	`lease_owner` text,
	`lease_until` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`sending_at` integer,
	`sent_at` integer,
	`smtp_response` text,
	`last_error` text,
	`needs_operator` integer DEFAULT false NOT NULL,
	`reject_reason` text,
	`raw_mail` blob,
	`bounced_at` integer,
	`bounce_message_row_id` integer,
	`run_id` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `complaints_message_id` ON `complaints` (`message_id`);--> statement-breakpoint
CREATE INDEX `complaints_state` ON `complaints` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `complaints_ip` ON `complaints` (`ip_key`,`created_at`);--> statement-breakpoint
CREATE INDEX `complaints_recipient` ON `complaints` (`abuse_contact`,`created_at`);--> statement-breakpoint
CREATE INDEX `complaints_updated` ON `complaints` (`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `ignored_ips` (
	`ip_key` text PRIMARY KEY NOT NULL,
	`ip` text NOT NULL,
	`note` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `run_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`at` integer NOT NULL,
	`level` text NOT NULL,
	`message` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `run_log_run` ON `run_log` (`run_id`,`id`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`status` text NOT NULL,
	`counts` text,
	`errors` integer DEFAULT 0 NOT NULL,
	`summary` text,
	`pid` integer
);
--> statement-breakpoint
CREATE INDEX `runs_started` ON `runs` (`started_at`);