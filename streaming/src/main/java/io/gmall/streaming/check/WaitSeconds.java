package io.gmall.streaming.check;

import picocli.CommandLine;

/** {@code --wait}: a whole number of seconds from 0, refused as an invalid option value otherwise. */
final class WaitSeconds implements CommandLine.ITypeConverter<Integer> {

    @Override
    public Integer convert(String value) {
        int seconds = Integer.parseInt(value.strip());
        if (seconds < 0) {
            throw new CommandLine.TypeConversionException("seconds to wait must be 0 or more, not " + value);
        }
        return seconds;
    }
}
