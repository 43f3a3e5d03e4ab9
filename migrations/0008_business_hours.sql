CREATE TABLE `business_hours` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`weekly` text NOT NULL,
	`exceptions` text NOT NULL,
	`closed_greeting` text,
	`after_hours_target` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `tracking_numbers` ADD `after_hours_target` text;