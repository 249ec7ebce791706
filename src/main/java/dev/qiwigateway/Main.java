package dev.qiwigateway;
public class Main { public static void main(String[] a) {} }
