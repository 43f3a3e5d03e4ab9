-- API keys get a role and scopes. A key made before this holds the admin role and every ordinary scope,
-- but none of the powers (keys:manage, providers:manage): only an admin's session grants those now.
ALTER TABLE `api_keys` ADD `role` text DEFAULT 'admin' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `scopes` text DEFAULT '["calls:read","calls:write","contacts:read","contacts:write","routing:read","routing:write","numbers:read","numbers:write","marketing:read","marketing:write","settings:read","settings:write"]' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `created_by_user_id` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `created_by_key_id` text;--> statement-breakpoint
ALTER TABLE `provider_accounts` ADD `updated_at` integer;--> statement-breakpoint
ALTER TABLE `provider_accounts` ADD `updated_by` text;