package io.tugboat.runtime;

/** A terminal's size in character cells, as a client's resize message carries it. */
public record TerminalSize(int width, int height) {}
