//! vankien-index (being written).
