CREATE TABLE `number_pools` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`campaign_id` text,
	`source_rules` text DEFAULT '[]' NOT NULL,
	`lease_minutes` integer DEFAULT 30 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `number_pools_tenant_name` ON `number_pools` (`tenant_id`,`name`);--> statement-breakpoint
CREATE TABLE `pool_numbers` (
	`tracking_number_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`pool_id` text NOT NULL,
	FOREIGN KEY (`tracking_number_id`) REFERENCES `tracking_numbers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`pool_id`) REFERENCES `number_pools`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `pool_numbers_pool` ON `pool_numbers` (`pool_id`);--> statement-breakpoint
ALTER TABLE `calls` ADD `visit_id` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `visit_source` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `visit_medium` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `visit_campaign` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `visit_keyword` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `visit_landing_page` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `visit_referrer` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `visit_gclid` text;--> statement-breakpoint
CREATE INDEX `calls_tenant_source` ON `calls` (`tenant_id`,`visit_source`,`started_at`);--> statement-breakpoint
ALTER TABLE `tenants` ADD `site_origins` text DEFAULT '[]' NOT NULL;