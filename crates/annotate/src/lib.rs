//! vankien-annotate (being written).
