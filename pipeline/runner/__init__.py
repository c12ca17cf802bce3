"""The parts of `biotab run` (`pipeline.run.run` puts them together): one shard's work, the
engines that run shards (local process pool, Dask), thread limits, progress, the output folder's
lock and the manifest/resume bookkeeping."""
