/**
 * Outputs: conversion between formats now; subsets, chips and manifests later. Every output is written
 * through {@link loupe.core.export.AtomicOutput}: a failed or cancelled write leaves nothing behind.
 */
package loupe.core.export;
