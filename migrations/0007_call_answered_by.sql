ALTER TABLE `calls` ADD `answered_by` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `answered_by_label` text;