import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Empty, ErrorNotice, Loading, PageTitle, Pager, UserErrors } from '../components';
import { AddToCartDocument, FacetsDocument, ProductsDocument, type ProductCardFragment, type ProductFilter, type ProductSort } from '../gql/graphql';
import { formatMoney, toDecimal } from '../money';
import { useSession } from '../session';

const PAGE_SIZE = 12;
const SORTS: { value: ProductSort; label: string }[] = [
  { value: 'NAME_ASC', label: 'Name, A to Z' },
  { value: 'NAME_DESC', label: 'Name, Z to A' },
  { value: 'PRICE_ASC', label: 'Price, low to high' },
  { value: 'PRICE_DESC', label: 'Price, high to low' },
  { value: 'NEWEST', label: 'Newest first' },
];

/** The catalog's state lives in the URL, so a filtered page can be shared, reloaded and gone back to. */
interface CatalogQuery {
  search: string;
  brandIds: string[];
  categoryIds: string[];
  minPrice: string;
  maxPrice: string;
  inStockOnly: boolean;
  sort: ProductSort;
  after: string | null;
  page: number;
}

function readQuery(search: URLSearchParams): CatalogQuery {
  const list = (key: string) => (search.get(key) ?? '').split(',').filter(Boolean);
  const sort = search.get('sort') as ProductSort | null;
  return {
    search: search.get('q') ?? '',
    brandIds: list('brand'),
    categoryIds: list('category'),
    minPrice: search.get('min') ?? '',
    maxPrice: search.get('max') ?? '',
    inStockOnly: search.get('stock') === '1',
    sort: sort && SORTS.some((s) => s.value === sort) ? sort : 'NAME_ASC',
    after: search.get('after'),
    page: Math.max(1, Number(search.get('page') ?? 1) || 1),
  };
}

function writeQuery(q: CatalogQuery): string {
  const p = new URLSearchParams();
  if (q.search) p.set('q', q.search);
  if (q.brandIds.length) p.set('brand', q.brandIds.join(','));
  if (q.categoryIds.length) p.set('category', q.categoryIds.join(','));
  if (q.minPrice) p.set('min', q.minPrice);
  if (q.maxPrice) p.set('max', q.maxPrice);
  if (q.inStockOnly) p.set('stock', '1');
  if (q.sort !== 'NAME_ASC') p.set('sort', q.sort);
  if (q.after) p.set('after', q.after);
  if (q.page > 1) p.set('page', String(q.page));
  const text = p.toString();
  return text ? `/?${text}` : '/';
}

function toFilter(q: CatalogQuery): ProductFilter {
  const filter: ProductFilter = {};
  if (q.search.trim()) filter.search = q.search.trim();
  if (q.brandIds.length) filter.brandIds = q.brandIds;
  if (q.categoryIds.length) filter.categoryIds = q.categoryIds;
  const min = toDecimal(q.minPrice);
  const max = toDecimal(q.maxPrice);
  if (min) filter.minPrice = min;
  if (max) filter.maxPrice = max;
  if (q.inStockOnly) filter.inStockOnly = true;
  return filter;
}

export function CatalogPage({ productImages }: { productImages: boolean }) {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const q = readQuery(search);
  // a filter change starts again at page 1
  const change = (next: Partial<CatalogQuery>) => navigate(writeQuery({ ...q, after: null, page: 1, ...next }));
  const products = useQuery(ProductsDocument, { variables: { filter: toFilter(q), sort: q.sort, first: PAGE_SIZE, after: q.after }, notifyOnNetworkStatusChange: true });
  const connection = products.data?.products;

  return (
    <div className="catalog">
      <PageTitle>Catalog</PageTitle>
      {/* keyed by the URL's values, so going back or clearing filters resets what the inputs show */}
      <SearchBar key={q.search} q={q} onSearch={(text) => change({ search: text })} />
      <div className="catalog-body">
        <Facets key={`${q.minPrice}-${q.maxPrice}`} q={q} onChange={change} />
        <section aria-labelledby="results-heading" className="results">
          <div className="results-bar">
            <h2 id="results-heading" aria-live="polite">
              {connection ? `${connection.totalCount} ${connection.totalCount === 1 ? 'product' : 'products'}` : 'Products'}
            </h2>
            <div className="inline">
              <label htmlFor="sort">Sort by</label>
              <select id="sort" value={q.sort} onChange={(e) => change({ sort: e.target.value as ProductSort })}>
                {SORTS.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <ErrorNotice error={products.error} partial={Boolean(connection)} retry={() => void products.refetch()} />
          {products.loading && !connection && <Loading what="products" />}
          {connection && connection.edges.length === 0 && (
            <Empty>
              <p>No products match these filters.</p>
              <button type="button" className="button-secondary" onClick={() => navigate('/')}>
                Clear all filters
              </button>
            </Empty>
          )}
          {connection && connection.edges.length > 0 && (
            <>
              <ul className="product-grid" aria-label="Products" aria-busy={products.loading}>
                {connection.edges.map(({ node }) => (
                  <li key={node.id}>
                    <ProductCard product={node} productImages={productImages} />
                  </li>
                ))}
              </ul>
              <Pager
                label="Product"
                page={q.page}
                hasNextPage={connection.pageInfo.hasNextPage}
                onNext={() => navigate(writeQuery({ ...q, after: connection.pageInfo.endCursor, page: q.page + 1 }))}
                onPrevious={() => window.history.back()}
              />
            </>
          )}
        </section>
      </div>
    </div>
  );
}

function SearchBar({ q, onSearch }: { q: CatalogQuery; onSearch(text: string): void }) {
  const [text, setText] = useState(q.search);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(text);
  };
  return (
    <form role="search" className="search-bar" onSubmit={submit}>
      <label htmlFor="search">Search products</label>
      <input id="search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Name or SKU, e.g. blue mug" />
      <button type="submit">Search</button>
    </form>
  );
}

function Facets({ q, onChange }: { q: CatalogQuery; onChange(next: Partial<CatalogQuery>): void }) {
  const facets = useQuery(FacetsDocument);
  const [min, setMin] = useState(q.minPrice);
  const [max, setMax] = useState(q.maxPrice);
  const [priceError, setPriceError] = useState<string | null>(null);
  const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  const applyPrice = (e: FormEvent) => {
    e.preventDefault();
    if ((min && !toDecimal(min)) || (max && !toDecimal(max))) return setPriceError('Prices are amounts like 10 or 24.90.');
    if (min && max && Number(toDecimal(min)) > Number(toDecimal(max))) return setPriceError('The lowest price is above the highest.');
    setPriceError(null);
    onChange({ minPrice: min, maxPrice: max });
  };
  return (
    <aside className="facets" aria-label="Filters">
      <h2>Filters</h2>
      <ErrorNotice error={facets.error} partial={Boolean(facets.data)} />
      {facets.loading && <Loading what="filters" />}
      {facets.data?.brands && (
        <fieldset>
          <legend>Brand</legend>
          {facets.data.brands.map((b) => (
            <label key={b.id} className="check">
              <input type="checkbox" checked={q.brandIds.includes(b.id)} onChange={() => onChange({ brandIds: toggle(q.brandIds, b.id) })} />
              {b.name} <span className="count">({b.productCount})</span>
            </label>
          ))}
        </fieldset>
      )}
      {facets.data?.categories && (
        <fieldset>
          <legend>Category</legend>
          {facets.data.categories.map((c) => (
            <label key={c.id} className="check">
              <input type="checkbox" checked={q.categoryIds.includes(c.id)} onChange={() => onChange({ categoryIds: toggle(q.categoryIds, c.id) })} />
              {c.name} <span className="count">({c.productCount})</span>
            </label>
          ))}
        </fieldset>
      )}
      <form className="price-range" onSubmit={applyPrice} aria-describedby={priceError ? 'price-error' : undefined}>
        <fieldset>
          <legend>Price</legend>
          <label>
            From <input inputMode="decimal" name="min" value={min} onChange={(e) => setMin(e.target.value)} size={6} />
          </label>
          <label>
            To <input inputMode="decimal" name="max" value={max} onChange={(e) => setMax(e.target.value)} size={6} />
          </label>
          <button type="submit" className="button-secondary">
            Apply price
          </button>
          {priceError && (
            <p id="price-error" className="field-error" role="alert">
              {priceError}
            </p>
          )}
        </fieldset>
      </form>
      <label className="check">
        <input type="checkbox" checked={q.inStockOnly} onChange={(e) => onChange({ inStockOnly: e.target.checked })} />
        In stock only
      </label>
    </aside>
  );
}

export function ProductImage({ product, productImages, large = false }: { product: Pick<ProductCardFragment, 'name' | 'sku' | 'imageUrl'>; productImages: boolean; large?: boolean }) {
  if (productImages && product.imageUrl) return <img className={large ? 'product-image large' : 'product-image'} src={product.imageUrl} alt="" loading="lazy" />;
  // a tile coloured from the SKU: the demo's remote images are not loaded on closed networks
  let hue = 0;
  for (const ch of product.sku) hue = (hue * 31 + ch.charCodeAt(0)) % 360;
  const initials = product.name
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0])
    .join('');
  return (
    <div className={large ? 'product-image placeholder large' : 'product-image placeholder'} style={{ background: `hsl(${hue} 45% 88%)` }} aria-hidden="true">
      {initials}
    </div>
  );
}

function ProductCard({ product, productImages }: { product: ProductCardFragment; productImages: boolean }) {
  const { session } = useSession();
  const [add, added] = useMutation(AddToCartDocument);
  const payload = added.data?.addToCart;
  return (
    <article className="product-card" aria-labelledby={`product-${product.id}`}>
      <ProductImage product={product} productImages={productImages} />
      <h3 id={`product-${product.id}`}>
        <Link to={`/products/${product.id}`}>{product.name}</Link>
      </h3>
      <p className="meta">
        {product.brand.name} · {product.category.name}
      </p>
      <p className="price">{formatMoney(product.price)}</p>
      <p className={product.inStock ? 'stock in' : 'stock out'}>{product.inStock ? 'In stock' : 'Out of stock'}</p>
      {session ? (
        <button type="button" disabled={!product.inStock || added.loading} onClick={() => void add({ variables: { productId: product.id, quantity: 1 } })} aria-label={`Add to cart: ${product.name}`}>
          {added.loading ? 'Adding…' : 'Add to cart'}
        </button>
      ) : (
        <Link to="/sign-in" className="button-secondary">
          Sign in to buy
        </Link>
      )}
      <div aria-live="polite" className="card-status">
        {payload && payload.userErrors.length === 0 && <span className="ok">Added to cart</span>}
      </div>
      <UserErrors errors={payload?.userErrors} />
      <ErrorNotice error={added.error} />
    </article>
  );
}
