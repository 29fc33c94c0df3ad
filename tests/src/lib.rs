//! Shared proptest strategies for the integration and property tests.
