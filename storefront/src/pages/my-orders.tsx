import { useQuery } from '@apollo/client/react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Empty, ErrorNotice, Loading, PageTitle, Pager, SignInPrompt } from '../components';
import { MyOrdersDocument } from '../gql/graphql';
import { formatMoney } from '../money';
import { useSession } from '../session';

const PAGE_SIZE = 10;

export function MyOrdersPage() {
  const { session } = useSession();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const after = search.get('after');
  const page = Math.max(1, Number(search.get('page') ?? 1) || 1);
  const orders = useQuery(MyOrdersDocument, { variables: { first: PAGE_SIZE, after }, skip: !session, fetchPolicy: 'cache-and-network' });
  if (!session) return <SignInPrompt what="your orders" />;
  const connection = orders.data?.myOrders;
  return (
    <div>
      <PageTitle>My orders</PageTitle>
      <ErrorNotice error={orders.error} partial={Boolean(connection)} retry={() => void orders.refetch()} />
      {orders.loading && !connection && <Loading what="your orders" />}
      {connection && connection.edges.length === 0 && (
        <Empty>
          <p>No orders yet.</p>
          <Link to="/">Browse the catalog</Link>
        </Empty>
      )}
      {connection && connection.edges.length > 0 && (
        <>
          <p>{connection.totalCount} orders, newest first.</p>
          <table className="orders">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Placed</th>
                <th scope="col">Status</th>
                <th scope="col">Items</th>
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {connection.edges.map(({ node }) => (
                <tr key={node.id}>
                  <th scope="row">
                    <Link to={`/orders/${node.id}`}>{node.number}</Link>
                  </th>
                  <td>
                    <time dateTime={node.placedAt}>{new Date(node.placedAt).toLocaleString()}</time>
                  </td>
                  <td>
                    <span className={`status status-${node.status.toLowerCase()}`}>{node.status}</span>
                  </td>
                  <td>{node.lines.reduce((n, l) => n + l.quantity, 0)}</td>
                  <td>{formatMoney(node.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            label="Order"
            page={page}
            hasNextPage={connection.pageInfo.hasNextPage}
            onNext={() => navigate(`/orders?after=${encodeURIComponent(connection.pageInfo.endCursor ?? '')}&page=${page + 1}`)}
            onPrevious={() => window.history.back()}
          />
        </>
      )}
    </div>
  );
}
