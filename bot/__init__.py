"""parentbot core: channel-agnostic conversation engine."""
