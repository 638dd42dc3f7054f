package dev.pgindex.operator.api.v1alpha1;

/** The constraint built from a unique index with ALTER TABLE ... ADD CONSTRAINT ... USING INDEX. */
public enum ConstraintType {
    /** ADD CONSTRAINT name UNIQUE USING INDEX name. */
    Unique,
    /** ADD CONSTRAINT name PRIMARY KEY USING INDEX name; every column must already be NOT NULL. */
    PrimaryKey
}
