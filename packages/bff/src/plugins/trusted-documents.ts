import type { BffContext } from '../context';
import { clientOperationMetrics, refusedDocumentsCounter } from '../client-metrics';
import type { BffPlugin } from '../plugin';
import { createSafelist } from '../trusted-documents/safelist';
import { createTrustedDocumentStore } from '../trusted-documents/trusted-set';

/**
 * The trusted documents of `config.trustedDocuments` (mobile: one manifest per live app version):
 * the gate in front of every request and subscribe (`enforce` refuses any other document), Apollo's
 * own APQ off, reloads, readiness, and operations counted by app version.
 */
export function trustedDocuments(): BffPlugin {
  return {
    name: 'trusted-documents',
    setup({ config, logger, metrics, reloadOnSighup, own }) {
      const settings = config.trustedDocuments;
      if (!settings) return {};
      // read from disk at config time already; a broken manifest never gets this far. The store
      // watches files and may listen for SIGHUP: nothing of it may outlive a failed start
      const store = own(
        createTrustedDocumentStore({ sources: settings.sources, initial: settings.manifests, watch: settings.watch, signal: reloadOnSighup, logger, registry: metrics.registry }),
        async (s) => s.stop(),
      );
      const clientOperations = clientOperationMetrics<BffContext>(metrics.registry, store);
      return {
        apolloPlugins: [clientOperations.plugin],
        // trusted documents are resolved by the gate; Apollo's own APQ would register anything
        documents: { noAutomaticPersistedQueries: true },
        requests: {
          safelist: createSafelist(() => store.current(), { enforce: settings.enforce, introspection: config.introspection, maxTokens: config.limits.maxTokens }),
          onRefused: refusedDocumentsCounter(metrics.registry, store),
          onCacheHit: clientOperations.cacheHit,
        },
        readiness: { trustedDocuments: async () => store.status() },
        trustedDocuments: store,
      };
    },
  };
}
