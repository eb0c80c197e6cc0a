package io.tugboat;
/** placeholder */
public final class Main { public static void main(String[] a) {} }
