-- Failed logins are counted per account and per client from here on; the old per-email rows are
-- transient and keyed the old way, so they go.
DELETE FROM `login_throttle`;--> statement-breakpoint
ALTER TABLE `login_throttle` RENAME COLUMN "email" TO "key";--> statement-breakpoint
ALTER TABLE `login_throttle` RENAME COLUMN "locked_until" TO "next_attempt_at";--> statement-breakpoint
CREATE INDEX `login_throttle_window` ON `login_throttle` (`window_started_at`);