package dev.pgindex.operator.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "from-sql", mixinStandardHelpOptions = true)
final class FromSqlCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return Main.ERROR;
    }
}
