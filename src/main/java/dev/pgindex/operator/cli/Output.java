package dev.pgindex.operator.cli;

/** -o of every command: manifests as YAML (for kubectl apply -f), a JSON v1 List, or a table for people. */
enum Output { yaml, json, table }
