package dev.pgindex.operator.api.v1alpha1;

/** ASC or DESC for one index column. */
public enum SortOrder { ASC, DESC }
