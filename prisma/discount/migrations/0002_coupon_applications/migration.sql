-- Issue #13: one applied coupon per cart was overwritten when the shopper applied one again in
-- the cart's next session before discount had settled the previous order (its OrderPlaced late
-- after an outage), and that order lost the coupon its cart had shown. Every apply and remove is
-- now a row of its own; an order takes the last one between the cart's previous checkout and its
-- own, and a cart shows the last one since its last checkout.
CREATE TABLE coupon_applications (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  cart_id     text NOT NULL,
  -- null: the shopper removed the coupon
  coupon_code text REFERENCES coupons (code),
  applied_at  timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX coupon_applications_cart_id_applied_at_idx ON coupon_applications (cart_id, applied_at);
CREATE INDEX coupon_applications_coupon_code_idx ON coupon_applications (coupon_code);

INSERT INTO coupon_applications (cart_id, coupon_code, applied_at)
  SELECT cart_id, coupon_code, applied_at FROM applied_coupons ORDER BY applied_at;
DROP TABLE applied_coupons;
