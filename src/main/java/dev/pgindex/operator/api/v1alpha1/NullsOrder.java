package dev.pgindex.operator.api.v1alpha1;

/** NULLS FIRST or NULLS LAST for one index column. */
public enum NullsOrder { FIRST, LAST }
