-- When each cart was last checked out (issue #13): what is in the cart now was put there after
-- it, and the coupon its order gets is the one applied after it (discount @requires the field).
ALTER TABLE carts ADD COLUMN last_checked_out_at timestamptz(3);
UPDATE carts c SET last_checked_out_at = k.at
  FROM (SELECT cart_id, max(created_at) AS at FROM checkouts GROUP BY cart_id) k
  WHERE k.cart_id = c.id;
