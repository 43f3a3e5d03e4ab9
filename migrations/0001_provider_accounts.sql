-- Provider accounts for any provider: credentials_encrypted holds the provider's credentials as sealed JSON
-- (rows saved before this migration hold a Twilio auth token alone; worker/providers/index.ts reads both).
ALTER TABLE `provider_accounts` RENAME COLUMN "account_sid" TO "external_id";--> statement-breakpoint
ALTER TABLE `provider_accounts` RENAME COLUMN "auth_token_encrypted" TO "credentials_encrypted";--> statement-breakpoint
ALTER TABLE `tracking_numbers` RENAME COLUMN "provider_number_sid" TO "provider_number_id";--> statement-breakpoint
DROP INDEX `provider_accounts_tenant`;--> statement-breakpoint
CREATE UNIQUE INDEX `provider_accounts_tenant_provider` ON `provider_accounts` (`tenant_id`,`provider`);