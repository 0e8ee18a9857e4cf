%% slowserver: the slow-handler server of tools/go/slowserver in Erlang,
%% on the BEAM's own I/O (gen_tcp, passive mode: a socket is asked for
%% input only while a process waits in gen_tcp:recv).
%%
%% Each connection has its own process and carries messages of Size
%% bytes.  For each message the process receives the first Head bytes,
%% works for Work ms (a sleep), receives the rest -- queued long before --
%% and echoes the whole message.  The connection ends at the client's EOF.
%%
%% On SIGTERM it prints what it served and exits 0:
%%
%%     served conns=N msgs=N bytes_in=N bytes_out=N digest=HEX
%%
%% digest: the SHA-256 of the sorted hex SHA-256s of the messages, one a
%% line, as the Go and tokio servers print it.
%%
%% usage: erl -noshell -pa DIR -run slowserver main PORT HEAD SIZE WORK_MS
-module(slowserver).
-behaviour(gen_event).
-export([main/1]).
-export([init/1, handle_event/2, handle_call/2, handle_info/2, terminate/2, code_change/3]).

main([Port, Head, Size, Work]) ->
    [P, H, Sz, W] = [list_to_integer(A) || A <- [Port, Head, Size, Work]],
    {ok, L} = gen_tcp:listen(P, [binary, {ip, {127, 0, 0, 1}}, {active, false},
                                 {reuseaddr, true}, {backlog, 128}]),
    register(stats, spawn(fun() -> stats(0, 0, 0, 0, []) end)),
    % SIGTERM: report, then halt (instead of the default init:stop()).
    os:set_signal(sigterm, handle),
    ok = gen_event:delete_handler(erl_signal_server, erl_signal_handler, []),
    ok = gen_event:add_handler(erl_signal_server, ?MODULE, []),
    accept(L, H, Sz, W).

accept(L, H, Sz, W) ->
    {ok, S} = gen_tcp:accept(L),
    Pid = spawn(fun() -> receive go -> serve(S, H, Sz, W) end end),
    ok = gen_tcp:controlling_process(S, Pid),
    Pid ! go,
    accept(L, H, Sz, W).

serve(S, H, Sz, W) ->
    case gen_tcp:recv(S, H) of
        {ok, Head} ->
            timer:sleep(W),
            {ok, Rest} = gen_tcp:recv(S, Sz - H),
            Msg = <<Head/binary, Rest/binary>>,
            ok = gen_tcp:send(S, Msg),
            stats ! {msg, Msg},
            serve(S, H, Sz, W);
        {error, closed} ->
            gen_tcp:close(S),
            stats ! conn
    end.

hex(Bin) -> string:lowercase(binary_to_list(binary:encode_hex(Bin))).

stats(Conns, Msgs, In, Out, Sums) ->
    receive
        conn -> stats(Conns + 1, Msgs, In, Out, Sums);
        {msg, M} ->
            stats(Conns, Msgs + 1, In + byte_size(M), Out + byte_size(M),
                  [hex(crypto:hash(sha256, M)) | Sums]);
        {report, From} ->
            Digest = hex(crypto:hash(sha256, lists:join("\n", lists:sort(Sums)))),
            From ! {report, io_lib:format("served conns=~b msgs=~b bytes_in=~b bytes_out=~b digest=~s~n",
                                          [Conns, Msgs, In, Out, Digest])},
            stats(Conns, Msgs, In, Out, Sums)
    end.

%% The erl_signal_server handler.
init(_) -> {ok, []}.
handle_event(sigterm, State) ->
    stats ! {report, self()},
    receive {report, Line} -> io:put_chars(Line) after 2000 -> ok end,
    erlang:halt(0),
    {ok, State};
handle_event(_, State) -> {ok, State}.
handle_call(_, State) -> {ok, ok, State}.
handle_info(_, State) -> {ok, State}.
terminate(_, _) -> ok.
code_change(_, State, _) -> {ok, State}.
