package dev.pgindex.operator.api.v1alpha1;

/** A day of the week, as a maintenance window names it. */
public enum Weekday {
    Mon, Tue, Wed, Thu, Fri, Sat, Sun
}
