-- The discount subgraph's own tables. Backbone tables (outbox, inbox, consumer_versions) come
-- from packages/events/migrations, applied before this.

CREATE TYPE "CouponKind" AS ENUM ('PERCENTAGE', 'FIXED_AMOUNT');
CREATE TYPE "RedemptionStatus" AS ENUM ('REDEEMED', 'RELEASED', 'REFUSED', 'CLOSED');

CREATE TABLE coupons (
  code            text PRIMARY KEY CHECK (code = upper(code) AND code <> ''),
  description     text NOT NULL,
  kind            "CouponKind" NOT NULL,
  value           numeric(12, 2) NOT NULL CHECK (value > 0 AND (kind <> 'PERCENTAGE' OR value <= 100)),
  min_subtotal    numeric(12, 2) CHECK (min_subtotal >= 0),
  valid_until     timestamptz(3),
  max_redemptions integer CHECK (max_redemptions >= 1),
  redemptions     integer NOT NULL DEFAULT 0,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  -- the last line of defence of "never more redemptions than allowed"
  CONSTRAINT coupons_redemptions_within_limit
    CHECK (redemptions >= 0 AND (max_redemptions IS NULL OR redemptions <= max_redemptions))
);

-- one coupon per cart at most; the cart id is derived from the customer (cartIdOf)
CREATE TABLE applied_coupons (
  cart_id     text PRIMARY KEY,
  coupon_code text NOT NULL REFERENCES coupons (code),
  applied_at  timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX applied_coupons_coupon_code_idx ON applied_coupons (coupon_code);

-- replica of each cart's subtotal, fed by CartChanged; checks minSubtotal when a coupon is applied
CREATE TABLE cart_subtotals (
  cart_id       text PRIMARY KEY,
  customer_id   text NOT NULL,
  subtotal      numeric(12, 2) NOT NULL CHECK (subtotal >= 0),
  currency_code text NOT NULL,
  version       integer NOT NULL,
  updated_at    timestamptz(3) NOT NULL DEFAULT now()
);

-- one row per order that reached discount: its redemption, a refusal, or a CLOSED tombstone
-- (order rejected or cancelled before its OrderPlaced arrived)
CREATE TABLE redemptions (
  order_id    text PRIMARY KEY,
  coupon_code text,
  discount    numeric(12, 2) NOT NULL DEFAULT 0 CHECK (discount >= 0),
  status      "RedemptionStatus" NOT NULL,
  reason      text,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  updated_at  timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX redemptions_coupon_code_idx ON redemptions (coupon_code);
