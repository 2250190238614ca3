import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Link } from 'react-router';
import { Empty, ErrorNotice, Loading, PageTitle, UserErrors } from '../components';
import { AddToCartDocument, ProductDocument } from '../gql/graphql';
import { formatMoney } from '../money';
import { useSession } from '../session';
import { ProductImage } from './catalog';

export function ProductPage({ id, productImages }: { id: string; productImages: boolean }) {
  const { session } = useSession();
  const product = useQuery(ProductDocument, { variables: { id } });
  const [quantity, setQuantity] = useState(1);
  const [add, added] = useMutation(AddToCartDocument);
  const p = product.data?.product;
  if (product.loading && !p) return <Loading what="the product" />;
  if (!p) {
    return (
      <>
        <ErrorNotice error={product.error} retry={() => void product.refetch()} />
        {!product.error && (
          <Empty>
            <p>There is no such product.</p>
            <Link to="/">Back to the catalog</Link>
          </Empty>
        )}
      </>
    );
  }
  const max = Math.max(1, Math.min(99, p.availableQuantity));
  const payload = added.data?.addToCart;
  return (
    <article className="product-page">
      <p>
        <Link to="/">← Catalog</Link>
      </p>
      <ErrorNotice error={product.error} partial />
      <div className="product-layout">
        <ProductImage product={p} productImages={productImages} large />
        <div>
          <PageTitle>{p.name}</PageTitle>
          <p className="meta">
            {p.brand.name} · {p.category.name} · SKU {p.sku}
          </p>
          <p className="price large">{formatMoney(p.price)}</p>
          <p className={p.inStock ? 'stock in' : 'stock out'}>{p.inStock ? `In stock: ${p.availableQuantity} available` : 'Out of stock'}</p>
          <p className="description">{p.description ?? 'No description yet.'}</p>
          {session ? (
            <form
              className="add-form"
              onSubmit={(e) => {
                e.preventDefault();
                void add({ variables: { productId: p.id, quantity } });
              }}
            >
              <label>
                Quantity{' '}
                <input type="number" min={1} max={max} value={quantity} onChange={(e) => setQuantity(Math.max(1, Math.min(max, Number(e.target.value) || 1)))} />
              </label>
              <button type="submit" disabled={!p.inStock || added.loading}>
                {added.loading ? 'Adding…' : 'Add to cart'}
              </button>
            </form>
          ) : (
            <Link to="/sign-in" className="button">
              Sign in to buy
            </Link>
          )}
          <div aria-live="polite">
            {payload && payload.userErrors.length === 0 && (
              <p className="ok">
                Added to cart. <Link to="/cart">View cart</Link>
              </p>
            )}
          </div>
          <UserErrors errors={payload?.userErrors} />
          <ErrorNotice error={added.error} />
        </div>
      </div>
    </article>
  );
}
