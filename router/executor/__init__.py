"""Plan execution: fetch from subgraphs, merge, and shape the client's response."""

from router.executor.execute import Executor
from router.executor.fetcher import HttpFetcher, SubgraphFetcher, SubgraphFetchError, SubgraphResponse

__all__ = ["Executor", "HttpFetcher", "SubgraphFetchError", "SubgraphFetcher", "SubgraphResponse"]
